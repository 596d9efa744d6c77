// The sample recordings of demo/recordings/, served by Storybook at /recordings/ (.storybook/main.ts).
export const sampleRecordings = [
  { url: 'recordings/6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720.tar', label: 'alice on win-dev-01, 1280×720, 2 min' },
  { url: 'recordings/9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080.tar', label: 'bob on win-dc-01, 1920×1080, 1.5 min' },
  // Teleport 15+ (RDP fast-path screen data), from real RDP captures: see demo/recordings/README.md.
  { url: 'recordings/3b8e5d10-7c2a-4f61-9e0b-15a0c0de0003.tar', label: 'Teleport 15+, RemoteFX (FreeRDP shadow), 1024×768, 19 s' },
  { url: 'recordings/a5f09e37-61d4-4c28-9d7a-33c0c0de0001.tar', label: 'Teleport 15+, planar bitmaps, 1024×768, 20 s' },
  // Teleport 2026 Linux desktop (TDPB, QOIZ screen updates): see demo/recordings/README.md.
  { url: 'recordings/4c6f2a10-5d1e-4b7a-9c3f-8e2d0c0d2026.tar', label: 'Teleport 2026, Linux desktop (QOIZ), 800×480, 12 s' },
] as const;
