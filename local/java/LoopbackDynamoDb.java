import com.almworks.sqlite4java.SQLiteConnection;
import com.almworks.sqlite4java.SQLiteJob;
import com.almworks.sqlite4java.SQLiteQueue;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local the way its own main does, with two differences the sandbox needs:
 * - its HTTP connector binds the loopback interface only (the jar has no option for the host and
 *   otherwise listens on every interface);
 * - it exits when its standard input closes, that is when the sandbox that started it ends, however
 *   it ends (a SIGKILL included), instead of running on with the database files open;
 * - its SQLite database (-sharedDb: one file, one connection that runs every request in turn) is in WAL
 *   mode with synchronous=NORMAL instead of a rollback journal synced to disk on every write: a write is
 *   on disk when its request answers, in the OS's hands, so it survives the sandbox being killed; only
 *   a crash of the machine itself may lose the last writes (as the sandbox's own journals may). Waiting
 *   for the disk on every write made the single connection, so DynamoDB Local, several times slower.
 *
 * Run from source by the Java launcher (java LoopbackDynamoDb.java ...), so nothing is compiled ahead.
 */
public class LoopbackDynamoDb {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("sandbox.host", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      if (!(connector instanceof ServerConnector)) {
        throw new IllegalStateException("Unexpected connector " + connector.getClass().getName());
      }
      ((ServerConnector) connector).setHost(host);
    }
    Thread parentWatch = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // The sandbox never writes; reading only waits for the end of the stream.
        }
      } catch (IOException closed) {
        // A broken pipe means the same: the parent is gone.
      }
      System.exit(0);
    }, "parent-watch");
    parentWatch.setDaemon(true);
    parentWatch.start();
    proxy.start();
    relaxDurability(proxy);
    System.out.println("DynamoDB Local listening on " + host + ":" + server.getURI().getPort());
  }

  /**
   * WAL and synchronous=NORMAL on the shared database's connection, run as a job of the queue that owns it (the
   * handler behind -sharedDb, created here rather than on the first request). Should DynamoDB Local's insides
   * change, it says so and runs as it is.
   */
  private static void relaxDurability(DynamoDBProxyServer proxy) {
    try {
      Object serverHandler = field(proxy, "serverHandler");
      Object requestHandler = field(serverHandler, "primaryHandler");
      Method getHandler = requestHandler.getClass().getDeclaredMethod("getHandler", String.class);
      getHandler.setAccessible(true);
      Object client = getHandler.invoke(requestHandler, "shared");
      Object access = field(client, "dbAccess");
      SQLiteQueue queue = (SQLiteQueue) field(access, "queue");
      String mode = queue.execute(new SQLiteJob<String>() {
        @Override
        protected String job(SQLiteConnection connection) throws Throwable {
          var statement = connection.prepare("PRAGMA journal_mode=WAL");
          try {
            statement.step();
            String journal = statement.columnString(0);
            connection.exec("PRAGMA synchronous=NORMAL");
            return journal;
          } finally {
            statement.dispose();
          }
        }
      }).complete();
      if (!"wal".equalsIgnoreCase(mode)) System.err.println("DynamoDB Local: journal mode " + mode + ", not WAL");
    } catch (Exception | Error error) {
      System.err.println("DynamoDB Local: its database keeps its default durability settings (" + error + ")");
    }
  }

  /** A field of the object's class or one of its superclasses, read by name. */
  private static Object field(Object target, String name) throws ReflectiveOperationException {
    for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
      try {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
      } catch (NoSuchFieldException next) {
        // Declared higher up.
      }
    }
    throw new NoSuchFieldException(name);
  }
}
