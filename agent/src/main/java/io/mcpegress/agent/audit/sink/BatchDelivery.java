package io.mcpegress.agent.audit.sink;

import java.io.IOException;
import java.util.List;

/**
 * A sink that can confirm delivery: {@link #deliver} returns only once the receiver acknowledged
 * the batch (an HTTP 2xx). The spool removes events only after that, so an outage loses nothing.
 */
public interface BatchDelivery {

    /**
     * Sends the events (JSON without the trailing newline) in order.
     *
     * @return the events the receiver asked to have sent again (e.g. Elasticsearch items answered
     *         429); empty when everything was accepted, or rejected for good (counted by the sink)
     * @throws IOException when the batch did not arrive and is worth sending again
     */
    List<byte[]> deliver(List<byte[]> events) throws IOException;
}
