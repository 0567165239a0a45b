// The renderer's entry: the React app, talking to main only through the contract (transport.ts).
import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { warmUpSpareWhenIdle } from './spare-terminal.ts';

const root = document.getElementById('app');
if (root) createRoot(root).render(<App />);
warmUpSpareWhenIdle();
