package dev.kickwatch.sink;

import dev.kickwatch.event.KickEvent;

/** Batches database rows; the route's {@code completionSize} and {@code completionTimeout} say when a batch is sent. */
public class RowBatching extends Batching<RowBatch> {

    @Override
    protected RowBatch newBatch() {
        return new RowBatch();
    }

    @Override
    protected void add(RowBatch batch, KickEvent event) {
        batch.add(event);
    }

    @Override
    protected Class<RowBatch> batchType() {
        return RowBatch.class;
    }
}
