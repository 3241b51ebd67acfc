package example;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.Locale;

/**
 * Uppercase answers a JSON string in capitals, like examples/functions/uppercase.
 *
 * FIRST_INVOKE_DELAY_MS makes only an environment's first invoke sleep, so
 * that N concurrent invokes need N environments (the bench's parallel cold
 * starts).
 */
public class Uppercase {
    private static final long FIRST_DELAY_MS = delay(System.getenv("FIRST_INVOKE_DELAY_MS"));
    private boolean invoked;

    public String handleRequest(String input, Context context) throws InterruptedException {
        if (input == null) {
            throw new IllegalArgumentException("want a JSON string, got null");
        }
        if (!invoked) {
            invoked = true;
            if (FIRST_DELAY_MS > 0) {
                Thread.sleep(FIRST_DELAY_MS);
            }
        }
        return input.toUpperCase(Locale.ROOT);
    }

    private static long delay(String ms) {
        try {
            return ms == null ? 0 : Long.parseLong(ms.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
