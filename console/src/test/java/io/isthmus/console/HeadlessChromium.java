package io.isthmus.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's {@code chromium} in headless mode, driven over the Chrome DevTools Protocol on a
 * WebSocket: one page, real mouse clicks and key input at an element's position, JavaScript
 * evaluation for reading the page, and screenshots. Uncaught page errors are collected so a test
 * can fail on them.
 */
final class HeadlessChromium implements AutoCloseable {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  private static final List<String> FLAGS =
      List.of(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--remote-debugging-address=127.0.0.1",
          "--remote-debugging-port=0",
          "--window-size=1280,900");

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final List<String> pageErrors = new CopyOnWriteArrayList<>();

  /** The browser binary: {@code $CHROMIUM}, else {@code /usr/bin/chromium}, if executable. */
  static Optional<Path> binary() {
    String configured = System.getenv("CHROMIUM");
    Path path =
        Path.of(configured == null || configured.isBlank() ? "/usr/bin/chromium" : configured);
    return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
  }

  /** Starts the browser with a fresh profile in {@code profile} and attaches to its first page. */
  static HeadlessChromium launch(Path binary, Path profile)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(FLAGS);
    command.add("--user-data-dir=" + profile);
    command.add("about:blank");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(profile.resolveSibling(profile.getFileName() + ".log").toFile())
            .start();
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IOException(
              "chromium did not open its DevTools port; its output: "
                  + Files.readString(profile.resolveSibling(profile.getFileName() + ".log")));
        }
        Thread.sleep(50);
      }
      int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
      HttpClient http = HttpClient.newHttpClient();
      String pageSocket = null;
      while (pageSocket == null) {
        String list =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        for (Object target : new JsonArray(list)) {
          JsonObject t = (JsonObject) target;
          if ("page".equals(t.getString("type"))) {
            pageSocket = t.getString("webSocketDebuggerUrl");
          }
        }
        if (pageSocket == null) {
          if (System.nanoTime() > deadline) {
            throw new IOException("chromium has no page to attach to: " + list);
          }
          Thread.sleep(50);
        }
      }
      return new HeadlessChromium(process, http, URI.create(pageSocket));
    } catch (IOException | InterruptedException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  private HeadlessChromium(Process process, HttpClient http, URI pageSocket) {
    this.process = process;
    this.socket =
        http.newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .buildAsync(pageSocket, new Listener())
            .join();
    send("Page.enable", new JsonObject());
    send("Runtime.enable", new JsonObject());
    send(
        "Emulation.setDeviceMetricsOverride",
        new JsonObject()
            .put("width", 1280)
            .put("height", 900)
            .put("deviceScaleFactor", 1)
            .put("mobile", false));
  }

  /** Sends one DevTools command and waits for its result; a protocol error throws. */
  JsonObject send(String method, JsonObject params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    pending.put(id, answer);
    socket
        .sendText(
            new JsonObject().put("id", id).put("method", method).put("params", params).encode(),
            true)
        .join();
    JsonObject message;
    try {
      message = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("DevTools command " + method + " got no answer", e);
    } finally {
      pending.remove(id);
    }
    if (message.containsKey("error")) {
      throw new IllegalStateException(method + " failed: " + message.getJsonObject("error"));
    }
    return message.getJsonObject("result", new JsonObject());
  }

  /** Loads {@code url} in the page. */
  void open(String url) {
    send("Page.navigate", new JsonObject().put("url", url));
  }

  /** Evaluates {@code expression} in the page (awaiting a promise) and returns its JSON value. */
  Object eval(String expression) {
    JsonObject result =
        send(
            "Runtime.evaluate",
            new JsonObject()
                .put("expression", expression)
                .put("returnByValue", true)
                .put("awaitPromise", true));
    if (result.containsKey("exceptionDetails")) {
      throw new IllegalStateException(
          "page script failed: " + expression + ": " + result.getJsonObject("exceptionDetails"));
    }
    return result.getJsonObject("result").getValue("value");
  }

  /** Waits until {@code expression} is truthy in the page, or fails after {@code timeout}. */
  void waitUntil(String what, String expression, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Object value;
      try {
        value = eval("!!(" + expression + ")");
      } catch (IllegalStateException e) {
        value = false; // the page is navigating
      }
      if (Boolean.TRUE.equals(value)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "waited "
                + timeout.toSeconds()
                + " s for "
                + what
                + "; the page says:\n"
                + text("main"));
      }
      Thread.sleep(100);
    }
  }

  /** The visible text of the first element matching the CSS selector, or "" if none. */
  String text(String selector) {
    Object text = eval("(document.querySelector(" + quote(selector) + ")?.innerText ?? '')");
    return text == null ? "" : text.toString();
  }

  /**
   * Clicks the middle of the element with real mouse events, once it is shown and enabled. Scrolls
   * it into view first.
   */
  void click(String selector) throws InterruptedException {
    String el = "document.querySelector(" + quote(selector) + ")";
    // the middle of the element, once nothing covers it there and it stays put between two looks
    String middle =
        "(() => { const e = "
            + el
            + "; if (!e || e.disabled || e.getClientRects().length === 0) return null;"
            + " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            + " const x = r.x + r.width / 2, y = r.y + r.height / 2;"
            + " const top = document.elementFromPoint(x, y);"
            + " return top && (top === e || e.contains(top) || top.control === e)"
            + " ? JSON.stringify({x, y}) : null; })()";
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Object before = null;
    while (true) {
      Object now = eval(middle);
      if (now != null && now.equals(before)) {
        JsonObject point = new JsonObject(now.toString());
        double x = point.getDouble("x");
        double y = point.getDouble("y");
        mouse("mouseMoved", x, y);
        mouse("mousePressed", x, y);
        mouse("mouseReleased", x, y);
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "waited 20 s for " + selector + " to be clickable; the page says:\n" + text("main"));
      }
      before = now;
      Thread.sleep(50);
    }
  }

  private void mouse(String type, double x, double y) {
    JsonObject params = new JsonObject().put("type", type).put("x", x).put("y", y);
    if (!type.equals("mouseMoved")) {
      params.put("button", "left").put("clickCount", 1);
    }
    send("Input.dispatchMouseEvent", params);
  }

  /** Clicks a text field, selects what it holds, and types {@code text} over it. */
  void type(String selector, String text) throws InterruptedException {
    click(selector);
    eval("document.activeElement.select?.()");
    send("Input.insertText", new JsonObject().put("text", text));
  }

  /** Presses Enter in the focused element. */
  void pressEnter() {
    JsonObject key =
        new JsonObject()
            .put("key", "Enter")
            .put("code", "Enter")
            .put("windowsVirtualKeyCode", 13)
            .put("text", "\r");
    send("Input.dispatchKeyEvent", key.copy().put("type", "keyDown"));
    send("Input.dispatchKeyEvent", key.copy().put("type", "keyUp"));
  }

  /**
   * Picks the option with {@code value} in a select: focuses it with a click, then chooses the way
   * a keyboard does (a headless browser draws no drop-down to click in).
   */
  void choose(String selector, String value) throws InterruptedException {
    String el = "document.querySelector(" + quote(selector) + ")";
    waitUntil(
        selector + " to offer " + value,
        "[..." + el + "?.options ?? []].some(o => o.value === " + quote(value) + ")",
        Duration.ofSeconds(20));
    click(selector);
    send("Input.dispatchKeyEvent", new JsonObject().put("type", "keyDown").put("key", "Escape"));
    eval(
        "(() => { const e = "
            + el
            + "; e.value = "
            + quote(value)
            + "; e.dispatchEvent(new Event('input', {bubbles: true}));"
            + " e.dispatchEvent(new Event('change', {bubbles: true})); })()");
  }

  /** Puts {@code file} into a file input, as choosing it in the file dialog would. */
  void setFile(String selector, Path file) {
    int root = send("DOM.getDocument", new JsonObject()).getJsonObject("root").getInteger("nodeId");
    int node =
        send("DOM.querySelector", new JsonObject().put("nodeId", root).put("selector", selector))
            .getInteger("nodeId");
    send(
        "DOM.setFileInputFiles",
        new JsonObject()
            .put("nodeId", node)
            .put("files", new JsonArray().add(file.toAbsolutePath().toString())));
  }

  /** Saves a PNG of the whole page. */
  void screenshot(Path png) throws IOException {
    JsonObject size =
        send("Page.getLayoutMetrics", new JsonObject()).getJsonObject("cssContentSize");
    JsonObject clip =
        new JsonObject()
            .put("x", 0)
            .put("y", 0)
            .put("width", Math.max(1280, size.getDouble("width")))
            .put("height", size.getDouble("height"))
            .put("scale", 1);
    String data =
        send(
                "Page.captureScreenshot",
                new JsonObject()
                    .put("format", "png")
                    .put("captureBeyondViewport", true)
                    .put("clip", clip))
            .getString("data");
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.write(png, Base64.getDecoder().decode(data));
  }

  /** Uncaught exceptions and console errors the page reported so far. */
  List<String> pageErrors() {
    return List.copyOf(pageErrors);
  }

  private static String quote(String s) {
    return new JsonArray().add(s).encode().replaceAll("^\\[|]$", "");
  }

  @Override
  public void close() {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the browser goes away below either way
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** Collects message fragments, answers pending commands, records page errors. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonObject message = new JsonObject(partial.toString());
        partial.setLength(0);
        Integer id = message.getInteger("id");
        if (id != null) {
          CompletableFuture<JsonObject> answer = pending.get(id);
          if (answer != null) {
            answer.complete(message);
          }
        } else if ("Runtime.exceptionThrown".equals(message.getString("method"))) {
          pageErrors.add(
              message.getJsonObject("params").getJsonObject("exceptionDetails").encode());
        } else if ("Runtime.consoleAPICalled".equals(message.getString("method"))
            && "error".equals(message.getJsonObject("params").getString("type"))) {
          pageErrors.add("console.error: " + message.getJsonObject("params").getJsonArray("args"));
        }
      }
      webSocket.request(1);
      return null;
    }
  }
}
