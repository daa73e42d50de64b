package haven.cib;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The wire and disk form of log entries and cluster-state snapshots: JSON with sorted keys, so that two
 * nodes holding the same state hold the same bytes. Unknown fields are an error: a node must not apply
 * an entry it only half understands.
 */
public final class Codec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private static final TypeReference<List<Command>> ENTRY = new TypeReference<>() {};

    private Codec() {}

    public static ObjectMapper json() {
        return JSON;
    }

    public static byte[] encodeEntry(List<Command> entry) {
        try {
            return JSON.writerFor(ENTRY).writeValueAsBytes(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode log entry " + entry, e);
        }
    }

    public static List<Command> decodeEntry(byte[] bytes, int offset, int length) throws IOException {
        return JSON.readValue(bytes, offset, length, ENTRY);
    }

    public static byte[] encodeState(ClusterState state) {
        try {
            return JSON.writeValueAsBytes(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode cluster state", e);
        }
    }

    public static ClusterState decodeState(byte[] bytes) throws IOException {
        return JSON.readValue(bytes, ClusterState.class);
    }

    public static String toJson(Object value) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
