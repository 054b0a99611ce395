package dev.kickwatch.event;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/** Which normalized event types a sink takes: {@code all} (or empty), or a comma list of types (db.events). */
public class TypeFilter implements Predicate {

    private Set<String> types = Set.of();
    private boolean all = true;

    /** A route's filter: whether the event in the body is wanted. */
    @Override
    public boolean matches(Exchange exchange) {
        return wanted(exchange.getMessage().getBody(KickEvent.class));
    }

    public boolean wanted(KickEvent e) {
        return all || (e.getType() != null && types.contains(e.getType()));
    }

    public void setTypes(String list) {
        String v = list == null ? "" : list.trim().toLowerCase(Locale.ROOT);
        all = v.equals("all") || v.isEmpty(); // unset means the default: everything
        types = csv(v);
    }

    /** A comma list as a set of trimmed, lower-case, non-empty entries. */
    public static Set<String> csv(String s) {
        if (s == null || s.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(s.split(",")).map(x -> x.trim().toLowerCase(Locale.ROOT)).filter(x -> !x.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }
}
