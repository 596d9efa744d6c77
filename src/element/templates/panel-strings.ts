/**
 * The panels' texts in English (session info, keyboard help): they load with the panels' chunk
 * (`panel-content.ts`), not with the element. A language's table holds them too (`AllStrings`).
 */
export const enPanels = {
  noMarkers: 'This recording has no markers.',
  noInfo: 'This recording carries no session details.',
  user: 'User',
  login: 'Login',
  desktop: 'Desktop',
  address: 'Address',
  windowsUser: 'Windows user',
  windowsDomain: 'Windows domain',
  sessionStart: 'Session start',
  sessionEnd: 'Session end',
  participants: 'Participants',
  recorded: 'Recorded',
  yes: 'Yes',
  no: 'No',
  sessionId: 'Session ID',
  cluster: 'Cluster',
  keySpace: 'Space',
  keyHome: 'Home',
  keyEnd: 'End',
  keyEsc: 'Esc',
  helpPlay: 'Play or pause',
  helpSeek5: 'Back or forward 5 seconds',
  helpSeek10: 'Back or forward 10 seconds',
  helpEnds: 'Start or end',
  helpPercent: 'Jump to 0 %–90 %',
  helpStep: 'Previous or next screen change (paused)',
  helpSpeed: 'Slower or faster',
  helpMarker: 'Previous or next marker',
  helpFullscreen: 'Full screen',
  helpHelp: 'These shortcuts',
  helpClose: 'Close a panel',
};

export type PanelStrings = typeof enPanels;
