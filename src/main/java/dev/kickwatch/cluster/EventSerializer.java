package dev.kickwatch.cluster;

import dev.kickwatch.event.KickEvent;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The producer's value serializer: the event stays the exchange's body up to the Kafka client, so that an event the
 * producer could not send is still an event for the journals (event-errors).
 */
public class EventSerializer implements Serializer<KickEvent> {

    @Override
    public byte[] serialize(String topic, KickEvent event) {
        return event == null ? null : EventCodec.encode(event);
    }
}
