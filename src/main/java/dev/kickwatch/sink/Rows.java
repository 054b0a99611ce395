package dev.kickwatch.sink;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kickwatch.event.KickEvent;

/** JSON forms of the database row: a PostgREST array body, and one line of the local event store. */
public class Rows {

    private final ObjectMapper mapper = new ObjectMapper();

    /** {@code [row]}: the body PostgREST takes for an insert. */
    public String array(KickEvent event) throws JsonProcessingException {
        return mapper.writeValueAsString(List.of(event));
    }

    /** One row as one line. */
    public String line(KickEvent event) throws JsonProcessingException {
        return mapper.writeValueAsString(event);
    }
}
