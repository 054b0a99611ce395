package dev.kickwatch.cluster;

import dev.kickwatch.event.KickEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;

/** The record's key: the event's Kick channel (slug), so that one channel's events share a partition, in order. */
public class EventKey implements Processor {

    @Override
    public void process(Exchange exchange) throws Exception {
        Message m = exchange.getMessage();
        m.setHeader(KafkaConstants.KEY, m.getMandatoryBody(KickEvent.class).getChannel());
    }
}
