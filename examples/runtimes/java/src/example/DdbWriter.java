package example;

import com.amazonaws.services.lambda.runtime.Context;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * DdbWriter writes one item to DynamoDB and returns its new id, like
 * examples/functions/ddbwriter: the event's string fields become S
 * attributes beside id (a UUIDv4) and createdAt (RFC 3339, UTC).
 *
 * Environment: TABLE_NAME; the endpoint, region and credentials as the AWS
 * SDKs read them (see DynamoDb).
 */
public class DdbWriter {
    // Built during init, as Lambda best practice has it: reused by every invoke.
    private static final DynamoDb DB = DynamoDb.fromEnvironment();
    private static final String TABLE = required("TABLE_NAME");

    public String handleRequest(Map<String, Object> event, Context context) throws IOException {
        return write(DB, TABLE, event);
    }

    /** Write puts the item for event into table and returns its id. */
    static String write(DynamoDb db, String table, Map<String, Object> event) throws IOException {
        String id = UUID.randomUUID().toString();
        Map<String, String> item = new LinkedHashMap<>();
        item.put("id", id);
        item.put("createdAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        if (event != null) {
            for (Map.Entry<String, Object> e : event.entrySet()) {
                if (e.getValue() instanceof String && !item.containsKey(e.getKey())) {
                    item.put(e.getKey(), (String) e.getValue());
                }
            }
        }
        db.putItem(table, item);
        return id;
    }

    private static String required(String key) {
        String v = System.getenv(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalStateException(key + " is not set: the template's Environment must name it");
        }
        return v;
    }
}
