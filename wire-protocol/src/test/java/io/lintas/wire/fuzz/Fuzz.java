package io.lintas.wire.fuzz;

import io.lintas.wire.MalformedPacketException;

/** Shared rule of every fuzz target: malformed input may only ever be reported as MalformedPacketException. */
final class Fuzz {
    private Fuzz() {}

    /** Runs {@code body}; a MalformedPacketException is the expected answer to bad input, anything else is a bug. */
    static void onlyMalformed(Runnable body) {
        try {
            body.run();
        } catch (MalformedPacketException expected) {
            // the documented way to reject input
        }
    }
}
