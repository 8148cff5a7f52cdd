// Applies list changes the server sends as patches (see rehome/ui/listsync.py).
//
// Reflex re-sends a changed state var whole, so a chat line or a card move
// would carry the visible list. The server instead changes a small `patch`
// var: for each list, the ids that left and the items that are new or
// changed with their index in the new list. This component, mounted once per
// page, listens to that substate in Reflex's own store and writes the patched
// lists back through the same store, so the components that render the lists
// are unchanged. Applying a patch to the list it produced gives that list
// again, so a patch seen twice (a re-hydrated tab) changes nothing.
import { useContext, useEffect } from "react";
import { StateStoreContext } from "$/utils/context-registry";

const FIELD = "_rx_state_";

export function patchList(list, op) {
  const put = op.put || [];
  const drop = new Set(op.gone || []);
  for (const [, item] of put) drop.add(item.id);
  const out = (list || []).filter((item) => !drop.has(item.id));
  for (const [index, item] of put) out.splice(index, 0, item);
  return out;
}

export function ListPatches({ substate, patchVar }) {
  const store = useContext(StateStoreContext);
  useEffect(() => {
    let applied;
    const apply = () => {
      const state = store.getSnapshot(substate);
      const patch = state?.[patchVar + FIELD];
      if (!patch || patch.seq === applied) return;
      applied = patch.seq;
      const delta = {};
      for (const [name, op] of Object.entries(patch.ops || {})) {
        delta[name + FIELD] = patchList(state[name + FIELD], op);
      }
      if (Object.keys(delta).length) store.dispatchers[substate](delta);
    };
    apply();
    return store.subscribe(substate, apply);
  }, [store, substate, patchVar]);
  return null;
}
