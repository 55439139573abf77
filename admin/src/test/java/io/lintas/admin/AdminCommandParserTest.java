package io.lintas.admin;

import io.lintas.admin.sql.AdminCommand;
import io.lintas.admin.sql.AdminCommandParser;
import io.lintas.admin.sql.ConfigModule;
import org.junit.jupiter.api.Test;

import static io.lintas.admin.sql.AdminCommand.Transfer.DISK_TO_MEMORY;
import static io.lintas.admin.sql.AdminCommand.Transfer.MEMORY_TO_DISK;
import static io.lintas.admin.sql.AdminCommand.Transfer.MEMORY_TO_RUNTIME;
import static io.lintas.admin.sql.AdminCommand.Transfer.RUNTIME_TO_MEMORY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class AdminCommandParserTest {

    private static AdminCommand.ConfigTransfer transfer(ConfigModule m, AdminCommand.Transfer t) {
        return new AdminCommand.ConfigTransfer(m, t);
    }

    @Test
    void loadAndSaveWithProxySqlSynonyms() {
        assertEquals(transfer(ConfigModule.SERVERS, MEMORY_TO_RUNTIME), AdminCommandParser.parse("LOAD MYSQL SERVERS TO RUNTIME"));
        assertEquals(transfer(ConfigModule.SERVERS, MEMORY_TO_RUNTIME), AdminCommandParser.parse("load mysql servers to run;"));
        assertEquals(transfer(ConfigModule.USERS, MEMORY_TO_RUNTIME), AdminCommandParser.parse("LOAD MYSQL USERS FROM MEMORY"));
        assertEquals(transfer(ConfigModule.QUERY_RULES, MEMORY_TO_RUNTIME),
            AdminCommandParser.parse("LOAD MYSQL QUERY RULES FROM MEM"));
        assertEquals(transfer(ConfigModule.VARIABLES, RUNTIME_TO_MEMORY), AdminCommandParser.parse("SAVE MYSQL VARIABLES TO MEMORY"));
        assertEquals(transfer(ConfigModule.VARIABLES, RUNTIME_TO_MEMORY), AdminCommandParser.parse("SAVE MYSQL VARIABLES FROM RUNTIME"));
        assertEquals(transfer(ConfigModule.SERVERS, MEMORY_TO_DISK), AdminCommandParser.parse("SAVE MYSQL SERVERS TO DISK"));
        assertEquals(transfer(ConfigModule.SERVERS, MEMORY_TO_DISK), AdminCommandParser.parse("SAVE MYSQL SERVERS FROM MEMORY"));
        assertEquals(transfer(ConfigModule.USERS, DISK_TO_MEMORY), AdminCommandParser.parse("LOAD MYSQL USERS FROM DISK"));
        assertEquals(transfer(ConfigModule.USERS, DISK_TO_MEMORY), AdminCommandParser.parse("LOAD MYSQL USERS TO MEMORY"));
        assertInstanceOf(AdminCommand.Refused.class, AdminCommandParser.parse("LOAD MYSQL USERS TO DISK"));
    }

    @Test
    void adminCommandsAndSql() {
        assertEquals(new AdminCommand.Kill(12, true), AdminCommandParser.parse("KILL QUERY 12"));
        assertEquals(new AdminCommand.Kill(12, false), AdminCommandParser.parse("kill 12"));
        assertEquals(new AdminCommand.SetGlobalVariable("mysql-monitor_interval_ms", "500"),
            AdminCommandParser.parse("SET mysql-monitor_interval_ms = '500'"));
        assertInstanceOf(AdminCommand.Ignored.class, AdminCommandParser.parse("SET NAMES utf8mb4"));
        assertInstanceOf(AdminCommand.Ignored.class, AdminCommandParser.parse("/* client */ SET autocommit=1"));
        assertInstanceOf(AdminCommand.SelectSessionValues.class, AdminCommandParser.parse("select @@version_comment limit 1"));
        assertInstanceOf(AdminCommand.Sql.class, AdminCommandParser.parse("SELECT @@version_comment FROM mysql_servers"));
        assertEquals(new AdminCommand.ShowTables("stats", "stats%"), AdminCommandParser.parse("SHOW TABLES FROM stats LIKE 'stats%'"));
        assertInstanceOf(AdminCommand.Sql.class, AdminCommandParser.parse("SELECT * FROM mysql_servers"));
        assertInstanceOf(AdminCommand.Refused.class, AdminCommandParser.parse("DROP TABLE mysql_servers"));
        assertEquals(new AdminCommand.Sql("SHOW COLUMNS FROM mysql_servers"), AdminCommandParser.parse("DESCRIBE mysql_servers"));
        assertEquals(new AdminCommand.Sql("SELECT \"user\", db FROM stats_mysql_processlist WHERE \"user\" = 'user' AND USER() <> ''"),
            AdminCommandParser.parse("SELECT user, db FROM stats_mysql_processlist WHERE user = 'user' AND USER() <> ''"));
        assertEquals(new AdminCommand.Sql("SELECT username FROM mysql_users"), AdminCommandParser.parse("SELECT username FROM mysql_users"));
        assertInstanceOf(AdminCommand.Refused.class, AdminCommandParser.parse("SELECT CSVWRITE('/tmp/x', 'SELECT 1')"));
    }
}
