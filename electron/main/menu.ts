/**
 * The application menu: the standard roles plus View → Mini panel (a check mark while it is
 * open). The page handles its keys itself: F4 opens its visible keys mode and Shift+C then
 * toggles the mini panel, so typing a capital C into a note never does. The menu item names
 * those keys in its label; it registers no accelerator, which would act on plain typing.
 */
import type { MenuItemConstructorOptions } from 'electron';

export function menuTemplate(platform: NodeJS.Platform, miniOpen: boolean, toggleMini: () => void): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      {
        label: 'Mini panel (always on top) — F4, then Shift+C',
        type: 'checkbox',
        checked: miniOpen,
        click: () => toggleMini(),
      },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
  ];
}

/** Electron's `Menu`, the part used here. */
export interface MenuApi<M> {
  buildFromTemplate(template: MenuItemConstructorOptions[]): M;
  setApplicationMenu(menu: M | null): void;
}

/** Sets the menu; call the returned function whenever the mini panel opens or closes. */
export function setupMenu<M>(menu: MenuApi<M>, platform: NodeJS.Platform, toggleMini: () => void): (miniOpen: boolean) => void {
  const update = (miniOpen: boolean) => menu.setApplicationMenu(menu.buildFromTemplate(menuTemplate(platform, miniOpen, toggleMini)));
  update(false);
  return update;
}
