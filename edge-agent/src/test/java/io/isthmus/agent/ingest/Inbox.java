package io.isthmus.agent.ingest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link MessageHandler} that keeps what it receives, for assertions. */
final class Inbox implements MessageHandler {

  final List<InboundMessage> messages = new CopyOnWriteArrayList<>();

  @Override
  public void onMessage(InboundMessage message) {
    messages.add(message);
  }

  List<InboundMessage> awaitCount(int count) throws InterruptedException {
    Await.until(
        Duration.ofSeconds(10),
        () -> messages.size() >= count,
        () -> count + " messages, got " + messages.size());
    return List.copyOf(messages);
  }

  List<String> payloads() {
    return messages.stream().map(m -> new String(m.payload())).toList();
  }
}
