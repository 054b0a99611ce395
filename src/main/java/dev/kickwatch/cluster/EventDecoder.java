package dev.kickwatch.cluster;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/** A record value of the events topic becomes the event again ({@link EventCodec}). */
public class EventDecoder implements Processor {

    @Override
    public void process(Exchange exchange) throws Exception {
        Message m = exchange.getMessage();
        m.setBody(EventCodec.decode(m.getMandatoryBody(byte[].class)));
    }
}
