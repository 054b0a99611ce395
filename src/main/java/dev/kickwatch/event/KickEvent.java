package dev.kickwatch.event;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One normalized Kick event. Its JSON form is exactly the database row (README, "The database table"); the Pusher names it came
 * with are kept for rendering and logs but are not part of the row.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({ "id", "type", "channel", "chatroom_id", "channel_id", "user_id", "username", "content",
        "created_at", "received_at", "payload" })
public class KickEvent {

    /** The fields as Simple reads them ({@code ${body.type}}): this bean's properties, for messages about typos. */
    public static final java.util.Set<String> FIELDS = java.util.Set.of("id", "type", "channel", "chatroomId", "channelId",
            "userId", "username", "content", "createdAt", "receivedAt", "payload", "rawPayload", "pusherEvent",
            "pusherChannel", "dedupeKey", "dedupeAliases");

    private String id;
    private String type;
    private String channel;
    private Long chatroomId;
    private Long channelId;
    private Long userId;
    private String username;
    private String content;
    private String createdAt;
    private String receivedAt;
    private JsonNode payload;
    private String rawPayload;
    private String pusherEvent;
    private String pusherChannel;
    private String dedupeKey;
    private List<String> dedupeAliases = List.of();

    @JsonProperty("id")
    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    @JsonProperty("type")
    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    /** The Kick channel slug. */
    @JsonProperty("channel")
    public String getChannel() {
        return channel;
    }

    public void setChannel(String channel) {
        this.channel = channel;
    }

    @JsonProperty("chatroom_id")
    public Long getChatroomId() {
        return chatroomId;
    }

    public void setChatroomId(Long chatroomId) {
        this.chatroomId = chatroomId;
    }

    @JsonProperty("channel_id")
    public Long getChannelId() {
        return channelId;
    }

    public void setChannelId(Long channelId) {
        this.channelId = channelId;
    }

    @JsonProperty("user_id")
    public Long getUserId() {
        return userId;
    }

    public void setUserId(Long userId) {
        this.userId = userId;
    }

    @JsonProperty("username")
    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    @JsonProperty("content")
    public String getContent() {
        return content;
    }

    public void setContent(String content) {
        this.content = content;
    }

    @JsonProperty("created_at")
    public String getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(String createdAt) {
        this.createdAt = createdAt;
    }

    @JsonProperty("received_at")
    public String getReceivedAt() {
        return receivedAt;
    }

    public void setReceivedAt(String receivedAt) {
        this.receivedAt = receivedAt;
    }

    /** The inner Kick JSON object, kept whole. */
    @JsonProperty("payload")
    public JsonNode getPayload() {
        return payload;
    }

    /** Also forgets the raw payload text, which may no longer match. */
    public void setPayload(JsonNode payload) {
        this.payload = payload;
        this.rawPayload = null;
    }

    /**
     * The payload's text as Kick sent it, when that is one JSON value on one line (else null): the row writer copies
     * it instead of writing the tree again.
     */
    @JsonIgnore
    public String getRawPayload() {
        return rawPayload;
    }

    public void setRawPayload(String rawPayload) {
        this.rawPayload = rawPayload;
    }

    /** The Pusher event name without its {@code App\Events\} prefix. */
    @JsonIgnore
    public String getPusherEvent() {
        return pusherEvent;
    }

    public void setPusherEvent(String pusherEvent) {
        this.pusherEvent = pusherEvent;
    }

    @JsonIgnore
    public String getPusherChannel() {
        return pusherChannel;
    }

    public void setPusherChannel(String pusherChannel) {
        this.pusherChannel = pusherChannel;
    }

    /** Key of the real-world action, equal for the copies Kick sends on several channels. */
    @JsonIgnore
    public String getDedupeKey() {
        return dedupeKey;
    }

    public void setDedupeKey(String dedupeKey) {
        this.dedupeKey = dedupeKey;
    }

    /**
     * More keys this action is known by, remembered but not checked: a later, poorer copy of the same action (a gift
     * announced only with the giftees' ids) is recognised by one of them.
     */
    @JsonIgnore
    public List<String> getDedupeAliases() {
        return dedupeAliases;
    }

    public void setDedupeAliases(List<String> dedupeAliases) {
        this.dedupeAliases = dedupeAliases == null ? List.of() : dedupeAliases;
    }

    @Override
    public String toString() {
        return type + " " + id + " on " + channel;
    }
}
