package dev.tgdesk.emulators.aws;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * moto's standalone server ({@code python3 -m moto.server}) as a child process; used for DynamoDB.
 *
 * <p>The first {@link #start()} picks a free port; later starts reuse it, so a test can
 * {@link #stop()} and {@link #start()} to simulate an outage while clients keep their endpoint.
 * A (re)started server is empty. The process's output goes to {@link #logFile()}, not to stdout.
 * The process tree is killed on {@link #close()} and, as a safety net, on JVM exit.
 */
public final class MotoServer implements AutoCloseable {

    /** Environment variable naming the python executable that has moto installed. */
    public static final String PYTHON_ENV = "MOTO_PYTHON";

    private static final System.Logger LOG = System.getLogger(MotoServer.class.getName());
    private static final String HOST = "127.0.0.1";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final String python;
    private int port; // 0 until the first successful start
    private Path logFile;
    private Process process;
    private boolean motoVerified;
    private Thread shutdownHook;

    /** Uses {@code $MOTO_PYTHON}, or {@code python3}. */
    public MotoServer() {
        this(pythonFromEnvironment());
    }

    public MotoServer(String python) {
        this.python = python;
    }

    public static String pythonFromEnvironment() {
        String configured = System.getenv(PYTHON_ENV);
        return configured == null || configured.isBlank() ? "python3" : configured;
    }

    /** Starts the server (no-op if running) and waits until it answers HTTP. */
    public synchronized MotoServer start() {
        if (isRunning()) {
            return this;
        }
        if (!motoVerified) {
            verifyMotoInstalled();
            motoVerified = true;
        }
        installShutdownHook();
        if (port != 0) {
            launch(port); // a restart must come back on the same endpoint
            return this;
        }
        // First start: a free port can be taken between probing and binding, so retry a few times.
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int candidate = Ports.freePort();
            try {
                launch(candidate);
                port = candidate;
                return this;
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        throw failure;
    }

    /** Kills the server (and any children); its port is kept for the next {@link #start()}. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        killTree(process, false);
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                killTree(process, true);
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(process, true);
        }
        process = null;
    }

    /** Deletes all state in the running server ({@code POST /moto-api/reset}). */
    public void reset() {
        HttpRequest request = HttpRequest.newBuilder(endpoint().resolve("/moto-api/reset"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("moto reset answered " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("moto reset failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during moto reset", e);
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** {@code http://127.0.0.1:<port>}; stable across stop/start. */
    public synchronized URI endpoint() {
        if (port == 0) {
            throw new IllegalStateException("moto has not been started yet");
        }
        return URI.create("http://" + HOST + ":" + port);
    }

    public synchronized int port() {
        return port;
    }

    /** Where the server's stdout/stderr goes (appended across restarts); null before the first start. */
    public synchronized Path logFile() {
        return logFile;
    }

    @Override
    public synchronized void close() {
        stop();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or about to; nothing to undo
            }
            shutdownHook = null;
        }
    }

    /**
     * Runs {@code moto.server} with DynamoDB writes made atomic. moto serves requests on threads and does
     * not lock an item while a conditional write reads and changes it, so two concurrent
     * {@code UpdateItem ... ADD n :1 CONDITION n < :max} could both pass, and the values an update
     * returns are read from the live item after the write, so two increments can both report the
     * second one's value — DynamoDB applies writes to one item one at a time and returns that write's
     * result, and our rate ledger and optimistic locks rely on it. One lock around moto's whole write
     * request handlers (check, write and building the answer) restores the guarantee; reads stay concurrent
     * (table reads; DynamoDB Streams reads take the lock, see below).
     *
     * <p>DynamoDB Streams (same port): a cancelled TransactWriteItems leaves no stream records, and readers holding
     * shard iterators keep seeing the one shard (upstream moto restores a copy of the table, stream included, so
     * iterators taken before a cancelled transaction see its records and miss every later one).
     */
    static final String ATOMIC_WRITES_LAUNCHER = String.join("\n",
            "import functools, threading",
            "from moto.dynamodb.responses import DynamoHandler",
            "_lock = threading.RLock()",
            "def _atomic(f):",
            "    @functools.wraps(f)",
            "    def locked(*args, **kwargs):",
            "        with _lock:",
            "            return f(*args, **kwargs)",
            "    return locked",
            "for _name in ('put_item', 'update_item', 'delete_item', 'transact_write_items', 'batch_write_item'):",
            "    setattr(DynamoHandler, _name, _atomic(getattr(DynamoHandler, _name)))",
            // moto backs up the whole table (a deep copy) once per item of a TransactWriteItems, before changing
            // anything, to restore it if the transaction is cancelled — seconds per transaction on a table of a
            // few thousand items. The same rollback only needs the table's structure copied and the items the
            // transaction touches deep-copied: one backup per table per transaction, built that way.
            "import copy as _copy, moto.dynamodb.models as _models",
            "from moto.dynamodb.models.dynamo_type import DynamoType as _DT",
            "def _touched(table, transact_items):",
            "    found = []",
            "    for op in transact_items:",
            "        _, body = next(iter(op.items()))",
            "        if body.get('TableName') != table.name: continue",
            "        key = body.get('Key') or body.get('Item') or {}",
            "        if table.hash_key_attr not in key: continue",
            "        h = _DT(key[table.hash_key_attr])",
            "        r = _DT(key[table.range_key_attr]) if table.range_key_attr and table.range_key_attr in key else None",
            "        found.append((h, r))",
            "    return found",
            "def _light_backup(table, transact_items):",
            "    snap = _copy.copy(table)",
            "    snap.items = _copy.copy(table.items)",
            "    if table.range_key_attr:",
            "        for h, by_range in table.items.items(): snap.items[h] = dict(by_range)",
            "    for h, r in _touched(table, transact_items):",
            "        if r is None and h in table.items: snap.items[h] = _copy.deepcopy(table.items[h])",
            "        elif r is not None and h in table.items and r in table.items[h]: snap.items[h][r] = _copy.deepcopy(table.items[h][r])",
            "    return snap",
            "class _TransactionBackups:",
            "    def __init__(self): self.memo = None; self.transact_items = None",
            "    def __getattr__(self, name): return getattr(_copy, name)",
            "    def deepcopy(self, obj, memo=None):",
            "        if self.memo is None or memo is not None or type(obj).__name__ != 'Table': return _copy.deepcopy(obj, memo)",
            "        if id(obj) not in self.memo: self.memo[id(obj)] = _light_backup(obj, self.transact_items)",
            "        return self.memo[id(obj)]",
            "_backups = _TransactionBackups()",
            "_models.copy = _backups",
            "_transact = _models.DynamoDBBackend.transact_write_items",
            // The backup shares the table's stream shard (a copy would strand the iterators readers hold on the
            // old one): a cancelled transaction instead takes back the stream records it added.
            "def _transact_once(self, transact_items, *args, **kwargs):",
            "    with _lock:",
            "        _backups.memo = {}; _backups.transact_items = transact_items",
            "        shards = {}",
            "        for op in transact_items:",
            "            name = next(iter(op.values())).get('TableName')",
            "            t = self.tables.get(name)",
            "            if t is not None and getattr(t, 'stream_shard', None) is not None: shards[name] = (t.stream_shard, len(t.stream_shard.items))",
            "        try: return _transact(self, transact_items, *args, **kwargs)",
            "        except BaseException:",
            "            for name, (shard, count) in shards.items():",
            "                del shard.items[count:]",
            "                if name in self.tables: self.tables[name].stream_shard = shard; shard.table = self.tables[name]",
            "            raise",
            "        finally: _backups.memo = None; _backups.transact_items = None",
            "_models.DynamoDBBackend.transact_write_items = _transact_once",
            // DynamoDB Streams reads take the write lock, so no reader sees (or positions an iterator past) the
            // records of a transaction that is still running and may yet be cancelled. moto keeps every shard
            // iterator forever (a poller makes four a second); like DynamoDB's they now expire after 15 minutes,
            // with ExpiredIteratorException.
            "import time as _time",
            "from moto.core.exceptions import JsonRESTError as _JsonRESTError",
            "from moto.dynamodbstreams.responses import DynamoDBStreamsHandler as _StreamsHandler",
            "import moto.dynamodbstreams.models as _streams",
            "for _name in ('get_shard_iterator', 'get_records'):",
            "    setattr(_StreamsHandler, _name, _atomic(getattr(_StreamsHandler, _name)))",
            "_iterator_init = _streams.ShardIterator.__init__",
            "def _timed_iterator(self, *args, **kwargs):",
            "    _iterator_init(self, *args, **kwargs); self.issued = _time.monotonic()",
            "_streams.ShardIterator.__init__ = _timed_iterator",
            "def _get_records(self, iterator_arn, limit):",
            "    iterators = self.shard_iterators",
            "    while iterators:",
            "        oldest = next(iter(iterators))",
            "        if _time.monotonic() - getattr(iterators[oldest], 'issued', 0) < 900: break",
            "        del iterators[oldest]",
            "    if iterator_arn not in iterators:",
            "        raise _JsonRESTError('ExpiredIteratorException', 'Iterator expired (or unknown); iterators last 15 minutes')",
            "    return iterators[iterator_arn].get(limit)",
            "_streams.DynamoDBStreamsBackend.get_records = _get_records",
            "from moto.server import main",
            "main()");

    private void launch(int candidatePort) {
        Path log = Ports.logDirectory().resolve("tgdesk-moto-" + candidatePort + ".log");
        ProcessBuilder builder = new ProcessBuilder(
                python, "-c", ATOMIC_WRITES_LAUNCHER, "-H", HOST, "-p", Integer.toString(candidatePort))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("PYTHONUNBUFFERED", "1");
        long started = System.nanoTime();
        Process launched;
        try {
            launched = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + python + ": " + e.getMessage() + ". " + installHint(), e);
        }
        try {
            awaitReady(launched, candidatePort, log);
        } catch (RuntimeException e) {
            killTree(launched, true);
            throw e;
        }
        process = launched;
        logFile = log;
        LOG.log(System.Logger.Level.INFO, "moto listening on {0}:{1} after {2} ms (log: {3})",
                HOST, Integer.toString(candidatePort), (System.nanoTime() - started) / 1_000_000, log);
    }

    private static void awaitReady(Process launched, int candidatePort, Path log) {
        URI probe = URI.create("http://" + HOST + ":" + candidatePort + "/");
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!launched.isAlive()) {
                throw new IllegalStateException("moto exited with code " + launched.exitValue()
                        + " while starting on port " + candidatePort + "; log tail:\n" + tail(log));
            }
            try {
                // Any HTTP answer means werkzeug is serving.
                HTTP.send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for moto", e);
            }
        }
        throw new IllegalStateException("moto did not answer on port " + candidatePort + " within "
                + STARTUP_TIMEOUT.toSeconds() + " s; log tail:\n" + tail(log));
    }

    /** Fails fast, with install instructions, when the python has no usable moto server. */
    private void verifyMotoInstalled() {
        ProcessBuilder check = new ProcessBuilder(python, "-c", "import moto, moto.server")
                .redirectErrorStream(true);
        try {
            Process p = check.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("'" + python + " -c \"import moto\"' did not finish in 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("moto is not usable with '" + python + "': " + lastLine(output)
                        + ". " + installHint());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run '" + python + "': " + e.getMessage() + ". " + installHint(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking for moto", e);
        }
    }

    private String installHint() {
        return "The local AWS stack needs moto's server for DynamoDB: install it with "
                + "'" + python + " -m pip install \"moto[server]>=5\"' (or set " + PYTHON_ENV
                + " to a python that has it), or point AWS_ENDPOINT_URL at a running LocalStack, "
                + "or set TGDESK_LOCALSTACK=1 where Docker runs";
    }

    private void installShutdownHook() {
        if (shutdownHook == null) {
            shutdownHook = new Thread(() -> {
                Process p = process;
                if (p != null) {
                    killTree(p, true);
                }
            }, "moto-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    private static void killTree(Process p, boolean forcibly) {
        List<ProcessHandle> children = p.descendants().toList();
        for (ProcessHandle child : children) {
            if (forcibly) {
                child.destroyForcibly();
            } else {
                child.destroy();
            }
        }
        if (forcibly) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    private static String lastLine(String output) {
        String[] lines = output.split("\\R");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
