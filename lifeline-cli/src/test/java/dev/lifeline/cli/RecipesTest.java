package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.Recipes;
import dev.lifeline.testkit.Running;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The recipes in docs/recipes, checked with the tools and parsers that will read them. */
class RecipesTest {
    private static final Path REPO = Recipes.ROOT;
    private static final Path RECIPES = Recipes.DIR;

    @TempDir
    Path dir;

    @Test
    void alertRulesPassPromtool() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        assertThat(Files.isExecutable(promtool)).as("promtool comes with the Debian package 'prometheus'").isTrue();
        Running.Result r = Cli.run(List.of(promtool.toString(), "check", "rules", RECIPES.resolve("alerts.yml").toString()),
                null, Map.of());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("SUCCESS: 3 rules found");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theKubernetesSidecarAnswersTheLivenessProbeFromASharedEmptyDir() throws Exception {
        Map<String, Object> deployment = new Yaml().load(Files.readString(RECIPES.resolve("kubernetes.yaml")));
        assertThat(deployment).containsEntry("kind", "Deployment").containsEntry("apiVersion", "apps/v1");
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) deployment.get("spec"))
                .get("template")).get("spec");
        List<Map<String, Object>> volumes = (List<Map<String, Object>>) pod.get("volumes");
        assertThat(volumes).singleElement().satisfies(v -> assertThat(v).containsKey("emptyDir"));
        Map<String, Map<String, Object>> containers = new HashMap<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) pod.get("containers")) {
            containers.put((String) c.get("name"), c);
        }
        Map<String, Object> app = containers.get("app");
        Map<String, Object> sidecar = containers.get("lifeline");
        List<String> serve = (List<String>) sidecar.get("command");
        assertThat(serve).containsSubsequence("serve", "--listen", "0.0.0.0:9464", "/run/lifeline");
        Map<String, Object> probe = (Map<String, Object>) ((Map<String, Object>) app.get("livenessProbe")).get("httpGet");
        assertThat(probe).containsEntry("path", "/health/app").containsEntry("port", 9464);
        assertThat((List<String>) app.get("command")).contains("/run/lifeline/app");
        for (Map<String, Object> c : List.of(app, sidecar)) {
            assertThat((List<Map<String, Object>>) c.get("volumeMounts"))
                    .anySatisfy(m -> assertThat(m).containsEntry("name", "beacons").containsEntry("mountPath", "/run/lifeline"));
        }
        // The command line the sidecar runs parses as lifeline's own.
        assertThat(Main.commandLine().parseArgs(serve.subList(1, serve.size()).toArray(String[]::new))
                .subcommand().commandSpec().name()).isEqualTo("serve");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theExecProbePodChecksTheSharedBeaconWithLifelineItself() throws Exception {
        Map<String, Object> pod = new Yaml().load(Files.readString(RECIPES.resolve("kubernetes-exec-probe.yaml")));
        assertThat(pod).containsEntry("kind", "Pod");
        Map<String, Object> spec = (Map<String, Object>) pod.get("spec");
        assertThat((List<Map<String, Object>>) spec.get("volumes")).singleElement()
                .satisfies(v -> assertThat(v).containsKey("emptyDir"));
        Map<String, Map<String, Object>> containers = new HashMap<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) spec.get("containers")) {
            containers.put((String) c.get("name"), c);
            assertThat((List<Map<String, Object>>) c.get("volumeMounts"))
                    .anySatisfy(m -> assertThat(m).containsEntry("mountPath", "/run/lifeline"));
        }
        List<String> probe = (List<String>) ((Map<String, Object>) ((Map<String, Object>) containers.get("app")
                .get("livenessProbe")).get("exec")).get("command");
        List<String> run = (List<String>) containers.get("app").get("command");
        List<String> serve = (List<String>) containers.get("lifeline").get("command");
        // Every lifeline command line in the pod parses as lifeline's own.
        for (List<String> command : List.of(probe, run, serve)) {
            assertThat(command.get(0)).isEqualTo("lifeline");
            Main.commandLine().parseArgs(command.subList(1, command.size()).toArray(String[]::new));
        }
        assertThat(probe).containsExactly("lifeline", "check", "--quiet", "/run/lifeline/app");
        assertThat(run).contains("/run/lifeline/app");
    }

    @Test
    void theExecUnitChainLoadsTheDaemon() throws Exception {
        Map<String, Map<String, String>> unit = Recipes.unit("worker-exec.service");
        assertThat(unit.get("Service")).containsEntry("Type", "notify").doesNotContainKey("WatchdogSec");
        String[] exec = unit.get("Service").get("ExecStart").split(" ");
        var parsed = Main.commandLine().parseArgs(java.util.Arrays.copyOfRange(exec, 1, exec.length));
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("exec");
        assertThat(parsed.subcommand().hasMatchedOption("--sd-notify")).isTrue();
    }

    @Test
    void theSystemdUnitIsANotifyServiceWithAWatchdog() throws Exception {
        Map<String, Map<String, String>> unit = Recipes.unit("worker.service");
        Map<String, String> service = unit.get("Service");
        assertThat(service).containsEntry("Type", "notify").containsKey("WatchdogSec");
        String[] exec = service.get("ExecStart").split(" ");
        assertThat(exec[0]).endsWith("/lifeline");
        // The arguments parse as lifeline's, with --sd-notify on run.
        var parsed = Main.commandLine().parseArgs(java.util.Arrays.copyOfRange(exec, 1, exec.length));
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("run");
        assertThat(parsed.subcommand().hasMatchedOption("--sd-notify")).isTrue();
    }

    @Test
    void theJavaAgentUnitsWaitForAndCheckTheBeaconWithLifelineCommandsThatParse() throws Exception {
        // The agent's options in these units are checked by AgentRecipesTest in lifeline-agent;
        // here, the lifeline command lines around them.
        String post = Recipes.unit("jvm-agent.service").get("Service").get("ExecStartPost");
        String check = Recipes.unit("jvm-agent-check.service").get("Service").get("ExecStart");
        for (String line : List.of(post, check)) {
            String[] exec = line.split(" ");
            assertThat(exec[0]).endsWith("/lifeline");
            Main.commandLine().parseArgs(java.util.Arrays.copyOfRange(exec, 1, exec.length));
        }
        var wait = Main.commandLine().parseArgs(java.util.Arrays.copyOfRange(post.split(" "), 1, post.split(" ").length));
        assertThat(wait.subcommand().commandSpec().name()).isEqualTo("wait");
        assertThat(wait.subcommand().hasMatchedOption("--alive")).isTrue();
        var probe = Main.commandLine().parseArgs(java.util.Arrays.copyOfRange(check.split(" "), 1, check.split(" ").length));
        assertThat(probe.subcommand().commandSpec().name()).isEqualTo("check");
    }

    @Test
    void theSystemdUnitsRunTheCommandWhereTheDebInstallsIt() throws Exception {
        for (String file : List.of("worker.service", "worker-exec.service")) {
            assertThat(Recipes.unit(file).get("Service").get("ExecStart")).as(file).startsWith("/usr/bin/lifeline ");
        }
        // The unit the .deb ships (lifeline-dist) runs the installed command, and its command line
        // parses as lifeline's own serve.
        Path shipped = REPO.resolve("lifeline-dist/src/dist/lifeline-serve.service");
        Map<String, Map<String, String>> unit = Recipes.unit(shipped);
        assertThat(unit.get("Install")).containsEntry("WantedBy", "multi-user.target");
        String[] exec = unit.get("Service").get("ExecStart").split(" ");
        assertThat(exec[0]).isEqualTo("/usr/bin/lifeline");
        var parsed = Main.commandLine().parseArgs(java.util.Arrays.copyOfRange(exec, 1, exec.length));
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("serve");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theKubernetesRecipesSayHowToBuildTheLifelineImageTheyUse() throws Exception {
        // The repository's Dockerfile makes the image: lifeline is its entry point.
        String dockerfile = Files.readString(REPO.resolve("Dockerfile"));
        assertThat(dockerfile).contains("\nENTRYPOINT [\"lifeline\"]\n").contains("FROM debian:bookworm-slim");
        for (String file : List.of("kubernetes.yaml", "kubernetes-exec-probe.yaml")) {
            String text = Files.readString(RECIPES.resolve(file));
            Map<String, Object> doc = new Yaml().load(text);
            Map<String, Object> spec = (Map<String, Object>) doc.get("spec");
            if (spec.containsKey("template")) {
                spec = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
            }
            String image = ((List<Map<String, Object>>) spec.get("containers")).stream()
                    .filter(c -> c.get("name").equals("lifeline")).map(c -> (String) c.get("image")).findFirst().orElseThrow();
            String build = "mvn -B -DskipTests -Pdist package && docker build -t " + image + " .";
            assertThat(text).as(file + " says how to build " + image).contains(build);
            assertThat(dockerfile).as("the Dockerfile's own build line").contains("docker build -t " + image + " .");
        }
    }

    @Test
    void theStartAndWaitScriptWaitsForUpThenForDeath() throws Exception {
        // lifeline on PATH is this build; the worker writes its pid and sleeps.
        Path bin = Files.createDirectories(dir.resolve("bin"));
        String cp = System.getProperty("java.class.path");
        Path shim = Files.writeString(bin.resolve("lifeline"), "#!/bin/sh\nexec '" + Cli.javaBinary()
                + "' --enable-native-access=ALL-UNNAMED -cp '" + cp + "' dev.lifeline.cli.Main \"$@\"\n");
        assertThat(shim.toFile().setExecutable(true)).isTrue();
        Path pidFile = dir.resolve("worker.pid");
        Path worker = Files.writeString(dir.resolve("worker"), "#!/bin/sh\necho $$ > '" + pidFile + "'\nexec sleep 1000\n");
        assertThat(worker.toFile().setExecutable(true)).isTrue();
        Path runtime = Files.createDirectories(dir.resolve("runtime"));
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"), "WORKER", worker.toString(),
                "XDG_RUNTIME_DIR", runtime.toString());
        List<String> lines = new ArrayList<>();
        Process script = Cli.start(List.of("sh", RECIPES.resolve("start-and-wait.sh").toString()), dir, env);
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(script.getInputStream()))) {
            lines.add(out.readLine());
            assertThat(lines).containsExactly("worker is up");
            long pid = Long.parseLong(Cli.poll("the worker's pid", () -> read(pidFile), s -> !s.isEmpty(),
                    Duration.ofSeconds(60)).trim());
            assertThat(Cli.run(List.of("kill", "-KILL", String.valueOf(pid)), null, Map.of()).exitCode()).isZero();
            assertThat(script.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(script.exitValue()).isZero();
            assertThat(new String(script.getErrorStream().readAllBytes())).contains("worker is gone");
        } finally {
            script.destroyForcibly();
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
