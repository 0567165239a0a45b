/** The NVIDIA GPU facts the app relies on: the device plugin's resource and GPU Feature Discovery's node label. */
export const GPU_RESOURCE = 'nvidia.com/gpu';
export const GPU_PRESENT_LABEL = 'nvidia.com/gpu.present';
