package dev.kickwatch.pusher;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing kick.channels and expanding the Pusher channel templates. */
class KickChannelTest {

    static final String TEMPLATES = "chatrooms.{chatroomId}.v2,chatroom_{chatroomId},channel.{channelId},channel_{channelId}";

    @Test
    void should_parse_entries_with_and_without_channel_id() {
        List<KickChannel> list = KickChannel.parseList(" xQc:668 , bossmanjack:2507974:2515504,");
        assertEquals(List.of(new KickChannel("xqc", 668, null), new KickChannel("bossmanjack", 2507974, 2515504L)), list);
    }

    @Test
    void should_expand_templates_and_skip_channel_ones_without_a_channel_id() {
        Map<String, KickChannel> m = KickChannel.pusherChannels(KickChannel.parseList("a:1,b:2:3"), TEMPLATES);
        assertEquals(List.of("chatrooms.1.v2", "chatroom_1", "chatrooms.2.v2", "chatroom_2", "channel.3", "channel_3"),
                List.copyOf(m.keySet()));
    }

    @Test
    void should_take_the_ids_of_bare_slugs_from_what_was_looked_up() {
        String text = " xQc , bossmanjack:2507974:2515504, xqc";
        assertEquals(List.of("xqc"), KickChannel.bareSlugs(text), "once each, lower case");
        assertEquals(List.of("xqc", "bossmanjack", "xqc"), KickChannel.slugs(text));
        KickChannel xqc = new KickChannel("xqc", 668, 676L);
        assertEquals(List.of(xqc, new KickChannel("bossmanjack", 2507974, 2515504L), xqc),
                KickChannel.parseList(text, Map.of("xqc", xqc)));
        // a bare slug that was not looked up is refused, in one line naming the property
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KickChannel.parseList("xqc"));
        assertTrue(e.getMessage().startsWith("kick.channels (KICK_CHANNELS): entry 'xqc' has no ids"), e.getMessage());
        // a bad entry fails before anything is looked up
        assertThrows(IllegalArgumentException.class, () -> KickChannel.bareSlugs("xqc,bad:1:x"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", " , ", "slug", "slug:abc", "slug:1:x", "slug:-4", "sl ug:1", "a:1:2:3", "slug:0" })
    void should_reject_bad_lists_with_one_line_naming_the_property(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KickChannel.parseList(text));
        assertTrue(e.getMessage().startsWith("kick.channels (KICK_CHANNELS)"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
        if (!text.equals("slug")) { // a bare slug is a good entry, to be looked up
            assertThrows(IllegalArgumentException.class, () -> KickChannel.bareSlugs(text), text);
        }
    }

    @Test
    void should_reject_unknown_template_placeholders() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KickChannel.pusherChannels(KickChannel.parseList("a:1"), "chatrooms.{chatroom}.v2"));
        assertTrue(e.getMessage().startsWith("kick.pusher.channel-templates"), e.getMessage());
    }
}
