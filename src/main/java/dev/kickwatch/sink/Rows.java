package dev.kickwatch.sink;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kickwatch.event.KickEvent;

/** JSON forms of the database row: one line per row, PostgREST array bodies, blocks for the local event store. */
public class Rows {

    private final ObjectMapper mapper = new ObjectMapper();

    /** One row as one line. */
    public String line(KickEvent event) throws JsonProcessingException {
        return mapper.writeValueAsString(event);
    }

    /** Each row as one line. */
    public List<String> lines(List<KickEvent> events) throws JsonProcessingException {
        List<String> out = new ArrayList<>(events.size());
        for (KickEvent e : events) {
            out.add(line(e));
        }
        return out;
    }

    /** Row lines (each a JSON object) as one PostgREST array body. */
    public String arrayOf(List<String> lines) {
        return "[" + String.join(",", lines) + "]";
    }

    /** Row lines as one block for the local event store (the file producer adds the last newline). */
    public String block(List<String> lines) {
        return String.join("\n", lines);
    }
}
