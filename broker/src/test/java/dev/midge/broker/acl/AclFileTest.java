package dev.midge.broker.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.midge.broker.config.ConfigException;
import dev.midge.broker.subscription.SharedFilter;
import dev.midge.codec.topic.Topic;
import dev.midge.codec.topic.TopicFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AclFileTest {
    @TempDir
    Path dir;

    private AclFile acl(String text) throws Exception {
        Path f = dir.resolve("acl");
        Files.writeString(f, text);
        return AclFile.read(f);
    }

    private static boolean sub(ClientRules r, String filter) {
        TopicFilter f = SharedFilter.isShared(filter) ? SharedFilter.parse(filter).filter() : TopicFilter.of(filter);
        return r.canSubscribe(f);
    }

    private static final String RULES = """
            # anonymous clients
            topic read public/#

            user admin
            topic #
            topic $SYS/#

            user sensor
            topic write sensors/+/data
            topic read commands/#
            topic deny commands/secret/#

            user reader
            topic read +/#
            topic read $share/ignored/x

            user sharer
            topic read jobs/#
            topic deny jobs/secret/+

            pattern readwrite clients/%c/#
            pattern read users/%u/inbox
            """;

    @Test
    void anonymousRules_comeBeforeTheFirstUserLine() throws Exception {
        ClientRules anon = acl(RULES).rulesFor("c1", null);
        assertThat(anon.canRead(Topic.of("public/news"))).isTrue();
        assertThat(anon.canWrite(Topic.of("public/news"))).isFalse();
        assertThat(anon.canRead(Topic.of("private/x"))).isFalse();
        assertThat(anon.canRead(Topic.of("clients/c1/a"))).isTrue(); // %c pattern applies to anonymous too
        assertThat(anon.canRead(Topic.of("users/null/inbox"))).isFalse(); // no user name: %u never applies
    }

    @Test
    void hashGrantsEverythingExceptDollarTopics() throws Exception {
        ClientRules admin = acl(RULES).rulesFor("a", "admin");
        assertThat(admin.canWrite(Topic.of("any/thing"))).isTrue();
        assertThat(admin.canRead(Topic.of("$SYS/broker/uptime"))).isTrue(); // from the $SYS/# line
        assertThat(sub(admin, "#")).isTrue();
        assertThat(sub(admin, "$SYS/#")).isTrue();
        ClientRules reader = acl(RULES).rulesFor("r", "reader");
        assertThat(reader.canRead(Topic.of("a/b"))).isTrue();
        assertThat(reader.canRead(Topic.of("a"))).isTrue(); // +/# matches the parent level
        assertThat(reader.canRead(Topic.of("$SYS/broker/uptime"))).isFalse(); // [MQTT-4.7.2-1]
        assertThat(sub(reader, "+/#")).isTrue();
        assertThat(sub(reader, "$SYS/#")).isFalse();
        assertThat(sub(reader, "#")).isTrue(); // could read non-$ topics; each message is checked
    }

    @Test
    void denyWinsOverGrants_andRefusesSubscriptionsItCovers() throws Exception {
        ClientRules sensor = acl(RULES).rulesFor("s1", "sensor");
        assertThat(sensor.canWrite(Topic.of("sensors/7/data"))).isTrue();
        assertThat(sensor.canWrite(Topic.of("sensors/7/other"))).isFalse();
        assertThat(sensor.canRead(Topic.of("sensors/7/data"))).isFalse();
        assertThat(sensor.canRead(Topic.of("commands/reboot"))).isTrue();
        assertThat(sensor.canRead(Topic.of("commands/secret/key"))).isFalse();
        assertThat(sensor.canWrite(Topic.of("commands/secret/key"))).isFalse();
        assertThat(sub(sensor, "commands/#")).isTrue(); // partly denied: granted, filtered per message
        assertThat(sub(sensor, "commands/secret/#")).isFalse(); // wholly denied
        assertThat(sub(sensor, "commands/secret/+/x")).isFalse();
        assertThat(sub(sensor, "sensors/+/data")).isFalse(); // write only: no read could ever be granted
        assertThat(sub(sensor, "#")).isTrue(); // matches commands/...
    }

    @Test
    void sharedSubscriptions_areCheckedAgainstTheRealFilter() throws Exception {
        ClientRules sharer = acl(RULES).rulesFor("w1", "sharer");
        assertThat(sub(sharer, "$share/g/jobs/#")).isTrue();
        assertThat(sub(sharer, "$share/g/#")).isTrue();
        assertThat(sub(sharer, "$share/g/jobs/secret/+")).isFalse();
        assertThat(sub(sharer, "$share/g/other/+")).isFalse();
        assertThat(sharer.canRead(Topic.of("jobs/secret/1"))).isFalse();
    }

    @Test
    void wildcardsAndSlashesInIdentities_neverWidenAPattern() throws Exception {
        AclFile acl = acl(RULES);
        for (String id : new String[] {"#", "+", "a/b", ""}) {
            ClientRules byClientId = acl.rulesFor(id, null);
            assertThat(byClientId.canRead(Topic.of("clients/x/y"))).as("client id '%s'", id).isFalse();
            assertThat(sub(byClientId, "clients/#")).as("client id '%s'", id).isFalse();
            ClientRules byUser = acl.rulesFor("c", id);
            assertThat(byUser.canRead(Topic.of("users/x/inbox"))).as("user '%s'", id).isFalse();
            assertThat(sub(byUser, "users/+/inbox")).as("user '%s'", id).isFalse();
        }
        // user "a/b" would otherwise shift into users/a/b/inbox; a plain name works
        assertThat(acl.rulesFor("c", "a/b").canRead(Topic.of("users/a/b/inbox"))).isFalse();
        assertThat(acl.rulesFor("c", "alice").canRead(Topic.of("users/alice/inbox"))).isTrue();
        assertThat(acl.rulesFor("c7", "alice").canWrite(Topic.of("clients/c7/status"))).isTrue();
    }

    @Test
    void emptyFile_deniesEverything() throws Exception {
        ClientRules r = acl("").rulesFor("c", "anyone");
        assertThat(r.canRead(Topic.of("a"))).isFalse();
        assertThat(r.canWrite(Topic.of("a"))).isFalse();
        assertThat(sub(r, "#")).isFalse();
        assertThat(acl("# only a comment\n").rulesFor("c", null).canRead(Topic.of("a"))).isFalse();
    }

    @Test
    void unknownUser_getsOnlyPatterns() throws Exception {
        ClientRules r = acl(RULES).rulesFor("c9", "stranger");
        assertThat(r.canRead(Topic.of("public/news"))).isFalse();
        assertThat(r.canRead(Topic.of("clients/c9/x"))).isTrue();
    }

    @Test
    void malformedLines_areErrorsWithTheirLine() {
        assertThatThrownBy(() -> acl("user a\ntopic read a/#/b\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("acl:2: 'a/#/b' is not a valid topic filter");
        assertThatThrownBy(() -> acl("\nuser\n")).hasMessageContaining("acl:2: user needs a user name");
        assertThatThrownBy(() -> acl("topc read x\n")).hasMessageContaining("acl:1: expected user, topic or pattern");
        assertThatThrownBy(() -> acl("pattern\n")).hasMessageContaining("acl:1: missing topic");
    }

    @Test
    void filterRelations() {
        assertThat(FilterRelations.intersect(TopicFilter.of("a/+"), TopicFilter.of("+/b"))).isTrue();
        assertThat(FilterRelations.intersect(TopicFilter.of("a/#"), TopicFilter.of("a"))).isTrue();
        assertThat(FilterRelations.intersect(TopicFilter.of("a/b"), TopicFilter.of("a/c"))).isFalse();
        assertThat(FilterRelations.intersect(TopicFilter.of("#"), TopicFilter.of("$SYS/x"))).isFalse();
        assertThat(FilterRelations.intersect(TopicFilter.of("$SYS/#"), TopicFilter.of("$SYS/+"))).isTrue();
        assertThat(FilterRelations.covers(TopicFilter.of("a/#"), TopicFilter.of("a/+/c"))).isTrue();
        assertThat(FilterRelations.covers(TopicFilter.of("a/+"), TopicFilter.of("a/#"))).isFalse();
        assertThat(FilterRelations.covers(TopicFilter.of("+/b"), TopicFilter.of("+/b"))).isTrue();
        assertThat(FilterRelations.covers(TopicFilter.of("a/b"), TopicFilter.of("a/+"))).isFalse();
        assertThat(FilterRelations.covers(TopicFilter.of("#"), TopicFilter.of("$SYS/#"))).isFalse();
        assertThat(FilterRelations.covers(TopicFilter.of("#"), TopicFilter.of("+/x"))).isTrue();
    }
}
