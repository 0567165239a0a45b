// The renderer's entry. The UI (context picker, forms, permissions checklist, log terminal, YAML
// viewer) arrives with the IPC contract; until then the window says what the app is and how to use
// its CLI, which runs the same deployer core.
const root = document.getElementById('app');
if (root) {
  const heading = document.createElement('h1');
  heading.textContent = 'aicr-studio';
  const text = document.createElement('p');
  text.textContent = 'Capture NVIDIA AICR configuration snapshots of your GPU clusters. The graphical workflow is being built; meanwhile run: npx aicr-studio snapshot --help';
  root.append(heading, text);
}
