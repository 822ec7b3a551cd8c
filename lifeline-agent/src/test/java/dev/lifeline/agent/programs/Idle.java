package dev.lifeline.agent.programs;

/**
 * A program that knows nothing of lifeline: prints {@code running}, then waits for a line on
 * standard input ({@code exit}) or its end, and exits 0. With an argument N it sleeps N ms
 * instead of reading (the idle JVM of the cost measurement).
 */
public final class Idle {
    private Idle() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("running");
        System.out.flush();
        if (args.length > 0) {
            Thread.sleep(Long.parseLong(args[0]));
            return;
        }
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null && !line.equals("exit")) {
            System.out.println("read " + line);
            System.out.flush();
        }
    }
}
