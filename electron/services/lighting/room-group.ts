/**
 * Stillroom's own group on a bridge, kept clean: at most one per bridge ("Stillroom room"),
 * written only once the room's membership has settled (a therapist ticking lights one by one
 * causes one write, not one per tick), removed when a group of the clinic's own already holds
 * exactly the room's lights or when the bridge has fewer than two lights in the room. Bridges
 * hold a limited number of groups, and safe state needs one command per bridge within 3 s.
 *
 * The host calls `setRoom(ids)` whenever the room changes and shows `status()`; it hands
 * `status().group` to the director (with the bridge's other groups) for safe state.
 */
import type { LightGroup } from './director';
import type { Result, Timers } from './driver';
import type { HueBridge } from './hue';
import type { Z2mBridge, Z2mLight } from './z2m';

/** The name of the group Stillroom keeps on a bridge. */
export const STILLROOM_GROUP = 'Stillroom room';
/** How long the room must stay the same before the bridge's group table is written, ms. */
export const SETTLE_MS = 3_000;

/** What a bridge offers for groups. */
export interface GroupHost {
  /** The bridge's groups with their members (driver ids of its lights). */
  list(): Promise<Result<LightGroup[]>>;
  /** Makes or updates Stillroom's group with exactly these members. */
  write(members: readonly string[]): Promise<Result<string>>;
  /** Removes Stillroom's group; false when there was none. */
  remove(): Promise<Result<boolean>>;
}

export type RoomGroupState = 'none' | 'settling' | 'clinic-group' | 'stillroom-group' | 'refused';

export interface RoomGroupStatus {
  state: RoomGroupState;
  /** The group safe state uses on this bridge (null: light by light). */
  group: LightGroup | null;
  /** Why the bridge has no group for the room, in plain words (state `refused`). */
  why: string | null;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
};

export class RoomGroupSync {
  private wanted: string[] = [];
  private cancel: (() => void) | null = null;
  private running = false;
  private again = false;
  private closed = false;
  /** Whether a room was ever given (an empty first room still removes a group left from before). */
  private touched = false;
  private current: RoomGroupStatus = { state: 'none', group: null, why: null };

  constructor(
    private readonly host: GroupHost,
    private readonly opts: {
      timers: Timers;
      settleMs?: number;
      log?: (line: string) => void;
      onChange?: () => void;
      /** Makes listed groups survive reconnects (the device link's `adoptGroups`). */
      adopt?: (groups: LightGroup[]) => LightGroup[];
    },
  ) {}

  status(): RoomGroupStatus {
    return this.current;
  }

  /**
   * The bridge's lights now in the room (driver ids); acted on once it has stayed the same for a
   * moment. The same room again changes nothing (a write already planned or done stands), except
   * after a refusal: then it is tried again (the host says the room again when the bridge returns).
   */
  setRoom(ids: readonly string[]): void {
    if (this.closed) return;
    const next = [...new Set(ids)].sort();
    if (sameSet(next, this.wanted) && this.current.state !== 'refused' && (this.current.state !== 'none' || this.touched)) return;
    this.touched = true;
    this.wanted = next;
    this.cancel?.();
    this.set({ ...this.current, state: 'settling' });
    this.cancel = this.opts.timers.after(this.opts.settleMs ?? SETTLE_MS, () => {
      this.cancel = null;
      void this.sync();
    });
  }

  close(): void {
    this.closed = true;
    this.cancel?.();
  }

  private set(s: RoomGroupStatus): void {
    this.current = s;
    this.opts.onChange?.();
  }

  private async sync(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        await this.once([...this.wanted]);
      } while (this.again && !this.closed);
    } finally {
      this.running = false;
    }
  }

  private async once(want: string[]): Promise<void> {
    const log = this.opts.log ?? (() => {});
    const listed = await this.host.list();
    if (this.closed) return;
    if (!listed.ok)
      return this.set({ state: 'refused', group: null, why: 'The bridge did not list its groups; safe state goes light by light.' });
    const groups = this.opts.adopt ? this.opts.adopt(listed.value) : listed.value;
    const ours = groups.find((g) => g.driver.name === STILLROOM_GROUP);
    const clinic = groups.find((g) => g.driver.name !== STILLROOM_GROUP && sameSet(g.members, want));
    if (want.length < 2 || clinic) {
      if (ours) {
        const r = await this.host.remove();
        if (r.ok)
          log(
            `lights: removed the bridge group “${STILLROOM_GROUP}” (${clinic ? `“${clinic.driver.name}” holds the room` : 'not needed'})`,
          );
      }
      return this.set({ state: clinic ? 'clinic-group' : 'none', group: clinic ?? null, why: null });
    }
    if (ours && sameSet(ours.members, want)) return this.set({ state: 'stillroom-group', group: ours, why: null });
    const made = await this.host.write(want);
    if (this.closed) return;
    if (!made.ok) {
      log(`lights: the bridge would not keep a group for the room (${made.error}); safe state goes light by light`);
      return this.set({
        state: 'refused',
        group: null,
        why: 'The bridge would not make a group for the room (its group table may be full); safe state goes light by light.',
      });
    }
    const again = await this.host.list();
    const adopted = again.ok ? (this.opts.adopt ? this.opts.adopt(again.value) : again.value) : [];
    const group = adopted.find((g) => g.driver.name === STILLROOM_GROUP) ?? null;
    this.set({ state: group ? 'stillroom-group' : 'refused', group, why: group ? null : 'The bridge did not show the group it made.' });
  }
}

/** A Hue bridge as a group host (v1 LightGroups, v2 zones). */
export function hueGroupHost(bridge: () => HueBridge | null): GroupHost {
  const gone = { ok: false as const, error: 'the bridge is not connected' };
  return {
    async list() {
      const b = bridge();
      if (!b) return gone;
      const r = await b.groupsWithMembers();
      return r.ok ? { ok: true, value: r.value.map((g) => ({ driver: g.group, members: g.members })) } : r;
    },
    async write(members) {
      const b = bridge();
      return b ? b.ensureRoomGroup(STILLROOM_GROUP, members) : gone;
    },
    async remove() {
      const b = bridge();
      return b ? b.removeRoomGroup(STILLROOM_GROUP) : gone;
    },
  };
}

/** A Zigbee2MQTT bridge as a group host: a Zigbee group that moves every member in one groupcast. */
export function z2mGroupHost(bridge: () => { api: Z2mBridge; lights: readonly Z2mLight[] } | null): GroupHost {
  const gone = { ok: false as const, error: 'the broker is not connected' };
  return {
    async list() {
      const b = bridge();
      return b ? { ok: true, value: b.api.groups(b.lights) } : gone;
    },
    async write(members) {
      const b = bridge();
      if (!b) return gone;
      const names = members.map((id) => b.lights.find((l) => l.id === id)?.info.name).filter((n): n is string => n !== undefined);
      return b.api.ensureGroup(STILLROOM_GROUP, names, b.lights);
    },
    async remove() {
      const b = bridge();
      return b ? b.api.removeGroup(STILLROOM_GROUP) : gone;
    },
  };
}
