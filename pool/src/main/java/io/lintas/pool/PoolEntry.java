package io.lintas.pool;

/** A pool's bookkeeping for one of its connections; read and written only on the connection's event loop. */
final class PoolEntry {
    enum State {
        /** In its loop's idle stack. */
        IDLE,
        /** Lent to a borrower. */
        LENT,
        /** Owned by the pool but in neither place: being opened, pinged, or handed over. */
        CHECKING,
        /** Closed by the pool, or found closed. */
        RETIRED
    }

    final NodePool pool;
    final NodePool.LoopState loop;
    State state = State.CHECKING;
    /** True while this connection accounts for one of the node's {@code max_connections} slots. */
    boolean slotHeld = true;
    /** When it last went back to the pool; what the idle timeout and the LIFO order go by. */
    long releasedNanos = System.nanoTime();

    PoolEntry(NodePool pool, NodePool.LoopState loop) {
        this.pool = pool;
        this.loop = loop;
    }
}
