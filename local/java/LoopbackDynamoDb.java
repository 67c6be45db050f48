import java.io.IOException;
import java.lang.reflect.Field;
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
 *   it ends (a SIGKILL included), instead of running on with the database files open.
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
    System.out.println("DynamoDB Local listening on " + host + ":" + server.getURI().getPort());
  }
}
