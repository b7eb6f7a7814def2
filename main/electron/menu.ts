/** Native menus. Every item either calls a main-side service or forwards a command id to the page. */
import { Menu, type MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openModel(): void;
  openRecording(): void;
  openRecent(path: string): void;
  command(id: string, arg?: string): void;
  about(): void;
  openLogs(): void;
  recentModels: string[];
  recentRecordings: string[];
}

export function buildMenu(a: MenuActions): Menu {
  const isMac = process.platform === 'darwin';
  const recent = [...a.recentModels, ...a.recentRecordings];
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Model…', accelerator: 'CmdOrCtrl+O', click: () => a.openModel() },
        { label: 'Open Recording…', accelerator: 'CmdOrCtrl+Shift+O', click: () => a.openRecording() },
        { label: 'Connect to City OS…', accelerator: 'CmdOrCtrl+K', click: () => a.command('connect-dialog') },
        { label: 'Save View as PNG', accelerator: 'CmdOrCtrl+Shift+S', click: () => a.command('save-view-png') },
        {
          label: 'Open Recent',
          submenu: recent.length
            ? recent.map((p) => ({ label: p, click: () => a.openRecent(p) }))
            : [{ label: 'No recent files', enabled: false }],
        },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { label: '3D View', accelerator: 'CmdOrCtrl+1', click: () => a.command('layout', '3d') },
        { label: 'Plan View', accelerator: 'CmdOrCtrl+2', click: () => a.command('layout', 'plan') },
        { label: '3D and Plan', accelerator: 'CmdOrCtrl+3', click: () => a.command('layout', 'split') },
        { type: 'separator' },
        { label: 'Toggle Theme', click: () => a.command('toggle-theme') },
        { label: 'Fit to View', click: () => a.command('fit') },
        { type: 'separator' },
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Help',
      submenu: [
        { label: 'Keyboard Shortcuts', click: () => a.command('shortcuts') },
        { label: 'Open Logs Folder', click: () => a.openLogs() },
        { type: 'separator' },
        { label: 'About Twin Workbench', click: () => a.about() },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
