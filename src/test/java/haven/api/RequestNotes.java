package haven.api;

import haven.cib.Command;
import haven.cib.JournalNote;
import java.util.ArrayList;
import java.util.List;

/** For tests that record what the API commits: the entry without its journal stamp, the stamp's request notes kept apart. */
final class RequestNotes {
    private RequestNotes() {}

    static List<Command> strip(List<Command> entry, List<String> requests) {
        List<Command> out = new ArrayList<>();
        for (Command c : entry) {
            if (c instanceof Command.Journal j) {
                for (JournalNote n : j.notes()) if (n.type().equals("request")) requests.add(n.text());
            } else {
                out.add(c);
            }
        }
        return out;
    }
}
