// Touch-friendly drag-and-drop kanban built on @dnd-kit, wrapped for Reflex by
// rehome/ui/components/dnd.py.
//
// The server owns the order. The board reports a finished move through
// `onMove(itemId, columnId, index)` and renders whatever order the server
// sends back. To keep that round trip invisible, the cards are held in their
// new places with CSS transforms from the drop until the server's new order
// arrives (or for HOLD_MS at most, after which a refused move snaps back).
// The DOM is never reordered here: React and Reflex stay in charge of it.
import React, {
  createContext,
  forwardRef,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  TouchSensor,
  closestCorners,
  getClientRect,
  useDndMonitor,
  useDroppable,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import {
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";

// Column droppables share dnd-kit's id space with the items, so they get a
// prefix that an item id is unlikely to carry.
const COLUMN_PREFIX = "kanban-column:";
// How long a dropped card is held in its new place waiting for the server.
const HOLD_MS = 4000;
const GLIDE = "transform 200ms ease";
// A finger starts a drag by resting on a card for a quarter second (a swipe
// that moves more than `tolerance` px first scrolls the board instead).
const TOUCH_PRESS = { delay: 250, tolerance: 10 };
// dnd-kit's default auto-scroll starts in the outer 20 % of the board and
// accelerates hard: on an 820 px tablet the third column lies in that band, so
// a card held over it scrolled the board to the end and landed in Done. Here
// the board scrolls only with the finger in its outer 6 % and gently; columns
// beyond the screen are also one tap away through the card's "Move to" menu.
const AUTO_SCROLL = { threshold: { x: 0.06, y: 0.1 }, acceleration: 4, interval: 10 };

// A finger's pointerdown arrives before its touchstart, and dnd-kit gives the
// gesture to the first sensor that claims it. Left to the stock PointerSensor,
// a finger would start a distance-activated drag that the browser cancels
// (pointercancel) as soon as it starts scrolling, and the TouchSensor's
// press-and-hold would never get its turn. So mouse and pen go through this
// sensor and fingers through the TouchSensor.
class MouseAndPenSensor extends PointerSensor {
  static activators = [
    {
      eventName: "onPointerDown",
      handler: ({ nativeEvent: event }, { onActivation }) => {
        if (!event.isPrimary || event.button !== 0 || event.pointerType === "touch") {
          return false;
        }
        onActivation?.({ event });
        return true;
      },
    },
  ];
}

// Registries the columns and items fill in (stable for the board's lifetime).
const BoardContext = createContext(null);
// The transforms the board imposes: {activeId, held, settling, shifts: Map id -> {x, y}}.
const ViewContext = createContext(null);
// The column a drag would drop into (for the columns' data-over attribute).
const OverContext = createContext(null);

// Reflex hands a component a ref when it has an `id`; ours need their own ref
// on the same node, so both get it.
function assignRef(ref, node) {
  if (typeof ref === "function") {
    ref(node);
  } else if (ref) {
    ref.current = node;
  }
}

// A ref callback that hands a column's or card's node to dnd-kit and the
// caller's ref, and keeps it in one of the board's maps under `key`; on unmount
// it removes the entry only if it is still this node (a re-render may already
// have registered the next one).
function useRegisteredNode(map, key, setNodeRef, ref, onAttach) {
  const attached = useRef(null);
  return useCallback(
    (node) => {
      setNodeRef(node);
      assignRef(ref, node);
      if (!map) {
        return;
      }
      if (node) {
        attached.current = node;
        map.set(key, node);
        if (onAttach) {
          onAttach(node);
        }
      } else if (map.get(key) === attached.current) {
        map.delete(key);
      }
    },
    [map, key, ref, setNodeRef, onAttach],
  );
}

function noLayoutAnimation() {
  return false;
}

function centerY(rect) {
  return rect.top + rect.height / 2;
}

function columnOf(board, itemId) {
  for (const [column, ids] of board.columns) {
    if (ids.includes(itemId)) {
      return column;
    }
  }
  return null;
}

// Where a drag would land: {column, index}, the index counted after removing
// the item from its source column; null when over nothing of ours.
function destination(board, active, over) {
  if (!over) {
    return null;
  }
  const activeId = String(active.id);
  const sortable = active.data.current?.sortable;
  const overData = over.data.current || {};
  const dragged = active.rect.current.translated;
  if (overData.sortable) {
    // Over an item. In its own column dnd-kit shifts the neighbours, so that
    // item's index is the answer; in another column the card goes before or
    // after the one it covers, by their centres.
    const column = String(overData.sortable.containerId);
    if (sortable && String(sortable.containerId) === column) {
      return { column, index: overData.sortable.index, sortedByDndKit: true };
    }
    const below = dragged && centerY(dragged) > centerY(over.rect);
    return { column, index: overData.sortable.index + (below ? 1 : 0) };
  }
  if (overData.kanbanColumn === undefined) {
    return null;
  }
  // Over a column's free space: count the cards whose centre is above.
  const column = String(overData.kanbanColumn);
  const ids = (board.columns.get(column) || []).filter((id) => id !== activeId);
  if (!dragged) {
    return { column, index: ids.length };
  }
  const rects = board.snapshot?.items;
  let index = 0;
  for (const id of ids) {
    const rect = rects?.get(id);
    if (rect && centerY(rect) < centerY(dragged)) {
      index += 1;
    }
  }
  return { column, index };
}

// Layout rects (transforms ignored) of every card and column, taken when a
// drag starts, to compute where cards go without touching the DOM order.
function measure(board) {
  const items = new Map();
  for (const [id, node] of board.nodes) {
    items.set(id, getClientRect(node, { ignoreTransform: true }));
  }
  const columns = new Map();
  for (const [column, node] of board.columnNodes) {
    const rect = getClientRect(node, { ignoreTransform: true });
    const style = window.getComputedStyle(node);
    columns.set(column, {
      left: rect.left + parseFloat(style.paddingLeft || 0) + parseFloat(style.borderLeftWidth || 0),
      top: rect.top + parseFloat(style.paddingTop || 0) + parseFloat(style.borderTopWidth || 0),
      rowGap: parseFloat(style.rowGap) || 0,
    });
  }
  return { items, columns };
}

function gapIn(board, snapshot, column) {
  const pairGap = (ids) => {
    const [a, b] = ids.map((id) => snapshot.items.get(id));
    return a && b ? b.top - a.bottom : null;
  };
  const own = pairGap(board.columns.get(column) || []);
  if (own !== null) {
    return own;
  }
  for (const ids of board.columns.values()) {
    const gap = pairGap(ids);
    if (gap !== null) {
      return gap;
    }
  }
  return snapshot.columns.get(column)?.rowGap || 0;
}

// Translations that show `activeId` moved to `to` and every other card of the
// source and destination columns in its resulting place.
function layoutShifts(board, activeId, from, to) {
  const snapshot = board.snapshot;
  const shifts = new Map();
  const touched = from === to.column ? [from] : [from, to.column];
  for (const column of touched) {
    const before = board.columns.get(column) || [];
    const after = before.filter((id) => id !== activeId);
    if (column === to.column) {
      after.splice(Math.min(Math.max(to.index, 0), after.length), 0, activeId);
    }
    const first = snapshot.items.get(before[0]);
    const origin = first || snapshot.columns.get(column);
    if (!origin) {
      continue;
    }
    const gap = gapIn(board, snapshot, column);
    let top = origin.top;
    for (const id of after) {
      const rect = snapshot.items.get(id);
      if (!rect) {
        continue;
      }
      shifts.set(id, { x: origin.left - rect.left, y: top - rect.top });
      top += rect.height + gap;
    }
  }
  return shifts;
}

export const KanbanBoard = forwardRef(function KanbanBoard({ onMove, children, ...rest }, ref) {
  const sensors = useSensors(
    useSensor(MouseAndPenSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: TOUCH_PRESS }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  // Column id -> item ids (server order), column id -> node, item id -> node,
  // the layout snapshot and the drag in progress; plus how to end a hold.
  const board = useRef({
    columns: new Map(),
    columnNodes: new Map(),
    nodes: new Map(),
    snapshot: null,
    drag: null,
    release: null,
    refocus: null,
  }).current;
  const [view, setView] = useState(null);
  const [overColumn, setOverColumn] = useState(null);
  const holdTimer = useRef(null);
  const onMoveRef = useRef(onMove);
  onMoveRef.current = onMove;

  const endHold = useCallback(() => {
    clearTimeout(holdTimer.current);
    setView(null);
  }, []);
  // No answer in time (a refused move changes nothing): glide back.
  const giveUp = useCallback(() => {
    setView({ activeId: null, held: false, settling: true, shifts: new Map() });
    holdTimer.current = setTimeout(endHold, 250);
  }, [endHold]);
  // A column whose server order changed ends the hold (in a layout effect, so
  // the transforms go in the same frame as the DOM changes).
  board.release = endHold;
  useEffect(() => () => clearTimeout(holdTimer.current), []);

  const handleDragStart = useCallback(
    ({ active }) => {
      endHold();
      board.refocus = null;
      const id = String(active.id);
      const from = columnOf(board, id);
      board.snapshot = measure(board);
      board.drag = { id, from, index: (board.columns.get(from) || []).indexOf(id), to: null };
    },
    [board, endHold],
  );

  const handleDragMove = useCallback(
    ({ active, over }) => {
      const drag = board.drag;
      if (!drag) {
        return;
      }
      const to = destination(board, active, over);
      setOverColumn(to ? to.column : null);
      const last = drag.to;
      if (to?.column === last?.column && to?.index === last?.index && to?.sortedByDndKit === last?.sortedByDndKit) {
        return;
      }
      drag.to = to;
      // Over a card of its own column dnd-kit shifts the neighbours itself;
      // otherwise the source closes its gap and the destination opens one.
      if (to && !to.sortedByDndKit) {
        setView({ activeId: drag.id, held: false, shifts: layoutShifts(board, drag.id, drag.from, to) });
      } else {
        setView(null);
      }
    },
    [board],
  );

  const handleDragEnd = useCallback(
    ({ active, over, activatorEvent }) => {
      const drag = board.drag;
      board.drag = null;
      setOverColumn(null);
      const to = drag && destination(board, active, over);
      if (!to || (to.column === drag.from && to.index === drag.index)) {
        setView(null);
        return;
      }
      setView({ activeId: drag.id, held: true, shifts: layoutShifts(board, drag.id, drag.from, to) });
      clearTimeout(holdTimer.current);
      holdTimer.current = setTimeout(giveUp, HOLD_MS);
      // A card moved to another column comes back as a new DOM node; a
      // keyboard user's focus goes with it (see KanbanItem).
      board.refocus = to.column !== drag.from && activatorEvent instanceof KeyboardEvent ? drag.id : null;
      onMoveRef.current?.(drag.id, to.column, to.index);
    },
    [board, giveUp],
  );

  const handleDragCancel = useCallback(() => {
    board.drag = null;
    setOverColumn(null);
    setView(null);
  }, [board]);

  return (
    <BoardContext.Provider value={board}>
      <ViewContext.Provider value={view}>
        <OverContext.Provider value={overColumn}>
          <DndContext
            sensors={sensors}
            autoScroll={AUTO_SCROLL}
            collisionDetection={closestCorners}
            onDragStart={handleDragStart}
            onDragMove={handleDragMove}
            onDragOver={handleDragMove}
            onDragEnd={handleDragEnd}
            onDragCancel={handleDragCancel}
          >
            <div ref={ref} data-kanban-board="" {...rest}>
              {children}
            </div>
          </DndContext>
        </OverContext.Provider>
      </ViewContext.Provider>
    </BoardContext.Provider>
  );
});

export const KanbanColumn = forwardRef(function KanbanColumn({ columnId, itemIds, children, ...rest }, ref) {
  const board = useContext(BoardContext);
  const column = String(columnId);
  const idsKey = (itemIds || []).map(String).join("\u0000");
  const ids = useMemo(() => (idsKey ? idsKey.split("\u0000") : []), [idsKey]);
  if (board) {
    board.columns.set(column, ids);
  }
  const mounted = useRef(false);
  useLayoutEffect(() => {
    if (mounted.current) {
      board?.release?.();
    }
    mounted.current = true;
  }, [board, idsKey]);
  useEffect(
    () => () => {
      // Only if no other column instance has claimed this id since.
      if (board?.columns.get(column) === ids) {
        board.columns.delete(column);
      }
    },
    [board, column, ids],
  );
  const overColumn = useContext(OverContext);
  const { setNodeRef } = useDroppable({
    id: COLUMN_PREFIX + column,
    data: { kanbanColumn: column },
  });
  const nodeRef = useRegisteredNode(board?.columnNodes, column, setNodeRef, ref);
  return (
    <SortableContext id={column} items={ids} strategy={verticalListSortingStrategy}>
      <div ref={nodeRef} data-kanban-column={column} data-over={overColumn === column ? "true" : undefined} {...rest}>
        {children}
      </div>
    </SortableContext>
  );
});

export const KanbanItem = forwardRef(function KanbanItem({ itemId, children, style, ...rest }, ref) {
  const board = useContext(BoardContext);
  const view = useContext(ViewContext);
  const id = String(itemId);
  // No layout animation when the server's new order arrives: the board has
  // already shown the cards in their new places (see ViewContext).
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id,
    animateLayoutChanges: noLayoutAnimation,
  });
  // dnd-kit only moves the dragged card while it is over its own column; over
  // another column it would sit in its old slot, so follow the drag delta.
  const [delta, setDelta] = useState(null);
  const monitor = useMemo(
    () => ({
      onDragMove: ({ active, delta: moved }) => {
        if (String(active.id) === id) {
          setDelta(moved);
        }
      },
      onDragEnd: () => setDelta(null),
      onDragCancel: () => setDelta(null),
    }),
    [id],
  );
  useDndMonitor(monitor);
  const refocus = useCallback(
    (node) => {
      if (board.refocus === id) {
        board.refocus = null;
        node.focus({ preventScroll: true });
      }
    },
    [board, id],
  );
  const nodeRef = useRegisteredNode(board?.nodes, id, setNodeRef, ref, refocus);

  let shown = transform;
  let moving = transition;
  const shift = view?.shifts.get(id);
  if (isDragging) {
    shown = transform ?? (delta ? { x: delta.x, y: delta.y, scaleX: 1, scaleY: 1 } : null);
  } else if (shift) {
    shown = { x: shift.x, y: shift.y, scaleX: 1, scaleY: 1 };
    moving = GLIDE;
  } else if (view?.settling) {
    moving = GLIDE;
  }
  const lifted = isDragging || (view?.held && view.activeId === id);
  return (
    <div
      ref={nodeRef}
      data-kanban-item={id}
      data-dragging={isDragging ? "true" : undefined}
      {...attributes}
      {...rest}
      {...listeners}
      style={{
        ...style,
        transform: CSS.Translate.toString(shown),
        transition: moving,
        touchAction: "manipulation",
        WebkitTouchCallout: "none",
        WebkitUserSelect: "none",
        userSelect: "none",
        cursor: isDragging ? "grabbing" : "grab",
        position: lifted ? "relative" : style?.position,
        zIndex: lifted ? 10 : style?.zIndex,
      }}
    >
      {children}
    </div>
  );
});
