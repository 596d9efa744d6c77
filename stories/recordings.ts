// The sample recordings of demo/recordings/, served by Storybook at /recordings/ (.storybook/main.ts).
export const sampleRecordings = [
  { url: 'recordings/6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720.tar', label: 'alice on win-dev-01, 1280×720, 2 min' },
  { url: 'recordings/9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080.tar', label: 'bob on win-dc-01, 1920×1080, 1.5 min' },
] as const;
