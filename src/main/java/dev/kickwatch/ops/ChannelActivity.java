package dev.kickwatch.ops;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.kickwatch.event.KickEvent;
import dev.kickwatch.event.KickEventNormalizer;

/**
 * What each watched Kick channel did lately: live or offline (from its last live/offline event) with the stream title,
 * its last event and how many; and all events as chat or other. Fed once per event by {@link KickwatchMetrics}; read by
 * the status page and the channel metrics. Thread-safe, no lock on the event path.
 */
public class ChannelActivity {

    public static final String CHAT = "chat.message.sent";

    /** One Kick channel. {@code live} is null until its first live/offline event since the start. */
    public static final class Channel {
        private final String slug;
        private final LongAdder events = new LongAdder();
        private volatile long lastEventAt;
        private volatile String lastType;
        private volatile Boolean live;
        private volatile String title;

        Channel(String slug) {
            this.slug = slug;
        }

        public String getSlug() {
            return slug;
        }

        public long getEvents() {
            return events.sum();
        }

        /** Epoch ms of the last event, 0 before the first. */
        public long getLastEventAt() {
            return lastEventAt;
        }

        public String getLastType() {
            return lastType;
        }

        public Boolean getLive() {
            return live;
        }

        public String getTitle() {
            return title;
        }
    }

    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final LongAdder chat = new LongAdder();
    private final LongAdder other = new LongAdder();

    /** The configured channels are known (and shown) before their first event. */
    public void watch(List<String> slugs) {
        slugs.forEach(s -> channels.computeIfAbsent(s, Channel::new));
    }

    void record(KickEvent e) {
        String type = e.getType();
        (CHAT.equals(type) ? chat : other).increment();
        String slug = e.getChannel();
        if (slug == null) {
            return;
        }
        Channel c = channels.get(slug);
        if (c == null) {
            c = channels.computeIfAbsent(slug, Channel::new);
        }
        c.events.increment();
        c.lastType = type;
        c.lastEventAt = System.currentTimeMillis();
        if ("livestream.status.updated".equals(type)) {
            // the socket's and the webhook's live/offline share this key; only it tells the two states apart for both
            boolean live = KickEventNormalizer.liveKey(slug, true).equals(e.getDedupeKey());
            c.title = live ? e.getContent() : null;
            c.live = live;
        }
    }

    public Collection<Channel> channels() {
        return channels.values();
    }

    public Channel channel(String slug) {
        return channels.get(slug);
    }

    public long getChat() {
        return chat.sum();
    }

    public long getOther() {
        return other.sum();
    }
}
