package io.lintas.router;

/**
 * What a statement does to the client session beyond its route; the session layer acts on these.
 *
 * <p>Effects are derived from the statement text only. For state the server reports itself (open transaction,
 * autocommit) the session should still trust the status flags of the backend's OK packet, because statements
 * such as DDL commit implicitly and stored programs may do anything.
 */
public enum Effect {
    /** BEGIN, BEGIN WORK, START TRANSACTION, XA START, or COMMIT/ROLLBACK AND CHAIN. */
    BEGIN_TRANSACTION,
    /** START TRANSACTION READ ONLY. */
    BEGIN_READ_ONLY_TRANSACTION,
    /** COMMIT or ROLLBACK (not ROLLBACK TO SAVEPOINT, which stays inside the transaction), XA COMMIT/ROLLBACK. */
    END_TRANSACTION,
    /** SET autocommit to 0/OFF, or to a value that cannot be read from the text. */
    SET_AUTOCOMMIT_OFF,
    /** SET autocommit to 1/ON/DEFAULT. */
    SET_AUTOCOMMIT_ON,
    /** Creates state that lives on one backend connection, so the session must stay on it (writer). */
    PIN_SESSION,
    /** Changes session variables, character set, role or transaction characteristics; replay on every backend. */
    SESSION_VARIABLE,
    /** USE db. */
    USE_SCHEMA,
    /** The text holds more than one statement. */
    MULTI_STATEMENT,
    /** The statement could not be recognised or parsed; it was classified conservatively. */
    UNPARSEABLE,
    /** A leading lintas routing hint comment was present (the route shows whether it was honoured). */
    HINT
}
