/**
 * Runs a command with LIFELINE_JDK set to the home of the JDK running this file. Maven's exec plugin
 * starts {@code java} from the JDK that maven-toolchains-plugin selected (25+), so build.sh gets the
 * build's own JDK to jlink from, never whatever java happens to be on the PATH.
 */
public final class Jdk {
    public static void main(String[] args) throws Exception {
        ProcessBuilder command = new ProcessBuilder(args).inheritIO();
        command.environment().put("LIFELINE_JDK", System.getProperty("java.home"));
        System.exit(command.start().waitFor());
    }
}
