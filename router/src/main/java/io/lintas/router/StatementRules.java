package io.lintas.router;

import java.util.EnumSet;
import java.util.Set;

/**
 * Classifies a single-statement digest (anything but SET): keyword rules for the obvious statements, and for
 * queries the keyword scan plus a jsqlparser second opinion.
 *
 * <p>The result depends on the digest text only, never on the original literals, so it may be cached by digest.
 *
 * <p>A query (SELECT, WITH ... SELECT, VALUES, parenthesised) is READ only if the scan finds no locking clause,
 * no INTO, no {@code :=}, no SQL_CALC_FOUND_ROWS, no sequence access, no last-statement system variable and no
 * call that is not a reader-safe built-in, <em>and</em> jsqlparser (when it can parse the statement) agrees
 * that it is a query calling only such built-ins. The parser can only turn a READ into a WRITE. If it cannot
 * parse valid MariaDB syntax (GROUP_CONCAT .. SEPARATOR, LOCK IN SHARE MODE, DATE 'x', ...), the scan alone
 * decides and the result carries UNPARSEABLE: the scan sees every token, so it is safe to trust for reads, and
 * it sends any unknown call to the writer.
 */
final class StatementRules {

    /** First keywords of statements this layer recognises; anything else is UNKNOWN and UNPARSEABLE. */
    private static final Set<String> KNOWN = Set.of(
            "SELECT", "WITH", "VALUES", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "HELP", "USE", "SET",
            "INSERT", "REPLACE", "UPDATE", "DELETE", "LOAD", "TRUNCATE", "CREATE", "ALTER", "DROP", "RENAME",
            "GRANT", "REVOKE", "ANALYZE", "OPTIMIZE", "REPAIR", "CHECK", "CHECKSUM", "CALL", "DO", "HANDLER",
            "KILL", "RESET", "PURGE", "CHANGE", "STOP", "START", "INSTALL", "UNINSTALL", "SHUTDOWN", "BINLOG",
            "CACHE", "SIGNAL", "RESIGNAL", "GET", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "XA",
            "LOCK", "UNLOCK", "FLUSH", "BACKUP", "PREPARE", "EXECUTE", "DEALLOCATE", "IF", "CASE", "LOOP",
            "REPEAT", "WHILE");

    /** SHOW statements that report on this session's previous statement, which ran on the writer. */
    private static final Set<String> LAST_STATEMENT_SHOWS =
            Set.of("WARNINGS", "ERRORS", "COUNT", "PROFILE", "PROFILES");

    private static final Set<String> DML = Set.of("INSERT", "REPLACE", "UPDATE", "DELETE");

    private final ClassifierLimits limits;

    StatementRules(ClassifierLimits limits) {
        this.limits = limits;
    }

    /** Classifies {@code digest} (with id {@code id}). */
    Classification classify(String digest, long id) {
        DigestFeatures f = DigestFeatures.scan(digest);
        EnumSet<Effect> e = EnumSet.noneOf(Effect.class);
        if (f.semicolon) {
            // Not reached from QueryClassifier, which splits multi-statements first; kept so this stays total.
            e.add(Effect.MULTI_STATEMENT);
            return result(Route.WRITE, e, type(f.word(0)), digest, id);
        }
        String first = f.startsWithWord ? f.word(0) : "";
        if (first.isEmpty() || !KNOWN.contains(first)) {
            e.add(Effect.UNPARSEABLE);
            return result(Route.WRITE, e, digest.isEmpty() ? "EMPTY" : "UNKNOWN", digest, id);
        }
        if (f.pinFunction || f.assignment || f.intoUserVariable) {
            e.add(Effect.PIN_SESSION); // GET_LOCK(), @x := .., INTO @x in any statement
        }
        Route route = Route.WRITE;
        String type = first;
        switch (first) {
            case "SELECT", "WITH", "VALUES" -> {
                return query(f, digest, id, e);
            }
            case "SHOW" -> route = LAST_STATEMENT_SHOWS.contains(f.word(1)) ? Route.WRITE : Route.READ;
            case "DESCRIBE", "DESC", "EXPLAIN" -> {
                type = first.equals("EXPLAIN") ? "EXPLAIN" : "DESCRIBE";
                route = explainedIsQuery(f) ? Route.READ : Route.WRITE;
            }
            case "HELP" -> route = Route.READ;
            case "USE" -> e.add(Effect.USE_SCHEMA);
            case "BEGIN" -> {
                if (f.word(1).equals("NOT")) { // BEGIN NOT ATOMIC: an anonymous block, not a transaction
                    type = "COMPOUND";
                    e.add(Effect.PIN_SESSION);
                } else {
                    e.add(Effect.BEGIN_TRANSACTION);
                }
            }
            case "IF", "CASE", "LOOP", "REPEAT", "WHILE" -> {
                type = "COMPOUND"; // a block that runs now and may do anything to the session
                e.add(Effect.PIN_SESSION);
            }
            case "GET" -> e.add(Effect.PIN_SESSION); // GET DIAGNOSTICS .. @var = ..: assigns user variables
            case "START" -> {
                if (f.word(1).equals("TRANSACTION")) {
                    type = "START_TRANSACTION";
                    if (f.readOnly) {
                        // A read-only transaction cannot write, so it may run whole on one reader (issue 3); the
                        // session keeps every statement of it on the node that ran this one until it ends.
                        route = Route.READ;
                        e.add(Effect.BEGIN_READ_ONLY_TRANSACTION);
                    } else {
                        e.add(Effect.BEGIN_TRANSACTION);
                    }
                }
            }
            case "COMMIT" -> endTransaction(f, e);
            case "ROLLBACK" -> {
                if (!f.hasTo) { // ROLLBACK TO SAVEPOINT keeps the transaction open
                    endTransaction(f, e);
                }
            }
            case "XA" -> {
                switch (f.word(1)) {
                    case "START", "BEGIN" -> e.add(Effect.BEGIN_TRANSACTION);
                    case "COMMIT", "ROLLBACK" -> e.add(Effect.END_TRANSACTION);
                    default -> {
                    }
                }
            }
            case "LOCK", "HANDLER", "PREPARE", "EXECUTE", "DEALLOCATE" -> e.add(Effect.PIN_SESSION);
            case "BACKUP" -> {
                if (f.word(1).equals("LOCK")) {
                    e.add(Effect.PIN_SESSION);
                }
            }
            case "FLUSH" -> {
                if (f.readLock || f.forExport) {
                    e.add(Effect.PIN_SESSION);
                }
            }
            case "CREATE" -> {
                if (f.hasWord("TEMPORARY", 4)) {
                    e.add(Effect.PIN_SESSION);
                }
            }
            case "DROP" -> {
                if (f.word(1).equals("PREPARE")) {
                    e.add(Effect.PIN_SESSION);
                }
            }
            case "SET" -> e.add(Effect.SESSION_VARIABLE); // QueryClassifier reads SETs from raw text instead
            default -> {
            }
        }
        return result(route, e, type, digest, id);
    }

    private static void endTransaction(DigestFeatures f, EnumSet<Effect> e) {
        e.add(Effect.END_TRANSACTION);
        if (f.andChain && !f.andNoChain) {
            e.add(Effect.BEGIN_TRANSACTION);
        }
    }

    /** EXPLAIN/DESCRIBE of a table or a query reads; of anything else it is sent to the writer to be safe. */
    private static boolean explainedIsQuery(DigestFeatures f) {
        for (int i = 1; i < f.wordCount; i++) {
            String w = f.words[i];
            switch (w) {
                case "EXTENDED", "PARTITIONS", "ANALYZE", "VERBOSE" -> {
                    continue;
                }
                case "FORMAT" -> {
                    i++; // FORMAT=JSON
                    continue;
                }
                case "WITH" -> {
                    return f.withMain == null || !DML.contains(f.withMain);
                }
                default -> {
                    return !DML.contains(w) && !w.equals("LOAD");
                }
            }
        }
        return true;
    }

    private Classification query(DigestFeatures f, String digest, long id, EnumSet<Effect> e) {
        String main = f.word(0).equals("WITH") ? f.withMain : f.word(0);
        if (main == null) {
            e.add(Effect.UNPARSEABLE);
            return result(Route.WRITE, e, "UNKNOWN", digest, id);
        }
        if (DML.contains(main)) {
            return result(Route.WRITE, e, main, digest, id); // WITH ... UPDATE / DELETE
        }
        if (f.calcFoundRows) {
            e.add(Effect.PIN_SESSION); // FOUND_ROWS() must later run on this very connection
        }
        boolean writerOnly = f.forUpdate || f.shareLock || f.into || f.assignment || f.calcFoundRows
                || f.writeFunction || f.pinFunction || f.sequence || f.lastStatementVariable || f.unknownFunction;
        if (writerOnly) {
            return result(Route.WRITE, e, "SELECT", digest, id);
        }
        if (limits.parseBudgetMillis() == 0 || digest.length() > limits.maxParseChars()
                || f.maxDepth > limits.maxParseDepth()) {
            return result(Route.READ, e, "SELECT", digest, id); // deliberately unchecked: scan verdict only
        }
        Route route = switch (ParserCheck.check(parseableForm(digest), f.maxDepth, limits.parseBudgetMillis())) {
            case SAFE_SELECT -> Route.READ;
            case UNSAFE_SELECT, NOT_SELECT -> Route.WRITE;
            case FAILED -> {
                e.add(Effect.UNPARSEABLE);
                yield Route.READ;
            }
        };
        return result(route, e, "SELECT", digest, id);
    }

    /** Undoes list folding, which jsqlparser cannot read: {@code (?,...)} to {@code (?)}, {@code ,...} to nothing. */
    static String parseableForm(String digest) {
        if (digest.indexOf("...") < 0) {
            return digest;
        }
        return digest.replace("(?,...)", "(?)").replace(",...", "");
    }

    private static String type(String first) {
        return KNOWN.contains(first) ? first : "UNKNOWN";
    }

    private static Classification result(Route route, EnumSet<Effect> e, String type, String digest, long id) {
        return new Classification(route, e, type, digest, id);
    }
}
