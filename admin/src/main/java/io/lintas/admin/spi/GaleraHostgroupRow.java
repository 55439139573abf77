package io.lintas.admin.spi;

/**
 * One row of {@code mysql_galera_hostgroups}: how the hostgroups of one Galera cluster are used.
 *
 * @param writerIsAlsoReader 0 never, 1 always, 2 only when no other reader is ONLINE (ProxySQL's values)
 */
public record GaleraHostgroupRow(int writerHostgroup, int backupWriterHostgroup, int readerHostgroup,
                                 int offlineHostgroup, boolean active, int maxWriters, int writerIsAlsoReader,
                                 int maxTransactionsBehind, String comment) {
}
