package dev.lifeline.spring;

import dev.lifeline.Beacon;
import dev.lifeline.BeaconException;
import dev.lifeline.BeaconOption;
import dev.lifeline.Fault;
import dev.lifeline.Heartbeat;
import dev.lifeline.Lifeline;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * lifeline for a Spring Boot application: its own {@link Beacon} at {@code lifeline.beacon.path},
 * held from start-up to shutdown and beaten by a {@link Heartbeat} only while the application's
 * {@link LivenessState} is CORRECT; and, for the beacons under {@code lifeline.dependencies.*},
 * one {@link LifelineDependencies} whose probes check each beacon whenever its health indicator
 * or one of its Micrometer gauges is read.
 */
@AutoConfiguration(after = ApplicationAvailabilityAutoConfiguration.class, beforeName = {
        "org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration"})
@EnableConfigurationProperties(LifelineProperties.class)
public class LifelineAutoConfiguration {

    /**
     * The application's beacon, held until the context closes; a failure to hold it (another
     * instance holds it exclusively, an unsafe directory, ...) fails the start-up, since the
     * application could not be seen alive.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "lifeline.beacon", name = "path")
    @ConditionalOnMissingBean
    public Beacon lifelineBeacon(LifelineProperties properties) throws BeaconException {
        LifelineProperties.Beacon config = properties.getBeacon();
        List<BeaconOption> options = new ArrayList<>();
        if (config.isExclusive()) {
            options.add(BeaconOption.EXCLUSIVE);
        }
        if (config.isTrustDirectory()) {
            options.add(BeaconOption.TRUST_DIRECTORY);
        }
        // A bare NAME lives in the default beacon directory, as for `lifeline hold NAME`: the one
        // rule of Lifeline.beaconPath, where `lifeline check NAME` will look.
        Path path = Lifeline.beaconPath(config.getPath().toString());
        if (Lifeline.isBareName(config.getPath().toString())) {
            try {
                Lifeline.createDefaultDirectoryFor(path);
            } catch (java.io.IOException e) {
                throw new BeaconException(path, Fault.NO_SUCH_DIRECTORY, null,
                        "cannot create the default beacon directory: " + e.getMessage());
            }
        }
        return Beacon.open(path, options.toArray(BeaconOption[]::new));
    }

    /**
     * Beats the beacon while the liveness state is CORRECT. Spring Boot sets CORRECT once the
     * context has started, so the beacon reads plain ALIVE (no promise yet) during start-up, then
     * ALIVE with a deadline; the application sets BROKEN when its work is stuck, and the beacon
     * turns HUNG once the last promise runs out. Stopped before the beacon closes, because it
     * depends on it.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "lifeline.beacon", name = "path")
    @ConditionalOnMissingBean
    public Heartbeat lifelineHeartbeat(Beacon beacon, LifelineProperties properties,
            ApplicationAvailability availability) {
        return Heartbeat.whileHealthy(beacon, properties.getBeacon().getHeartbeat(),
                () -> availability.getLivenessState() == LivenessState.CORRECT);
    }

    /** The probes of {@code lifeline.dependencies.*}. */
    @Bean(destroyMethod = "close")
    @Conditional(OnDependencies.class)
    @ConditionalOnMissingBean
    public LifelineDependencies lifelineDependencies(LifelineProperties properties) {
        Map<String, Path> dependencies = new LinkedHashMap<>();
        properties.getDependencies().forEach((name, path) -> dependencies.put(name, Lifeline.beaconPath(path.toString())));
        return new LifelineDependencies(dependencies);
    }

    /** One health indicator per dependency, under the component {@code lifeline}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("lifeline")
    @Conditional(OnDependencies.class)
    static class HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "lifelineHealthContributor")
        CompositeHealthContributor lifelineHealthContributor(LifelineDependencies dependencies) {
            Map<String, HealthIndicator> indicators = new LinkedHashMap<>();
            for (String name : dependencies.paths().keySet()) {
                indicators.put(name, new BeaconHealthIndicator(dependencies, name));
            }
            return CompositeHealthContributor.fromMap(indicators);
        }
    }

    /** Gauges per dependency; Spring Boot binds every {@link MeterBinder} bean to its registries. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    @Conditional(OnDependencies.class)
    static class MetricsConfiguration {
        @Bean
        @ConditionalOnMissingBean
        LifelineMetrics lifelineMetrics(LifelineDependencies dependencies) {
            return new LifelineMetrics(dependencies);
        }
    }

    /** Matches when at least one {@code lifeline.dependencies.NAME} is set. */
    static final class OnDependencies extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Map<String, Path> dependencies = Binder.get(context.getEnvironment())
                    .bind("lifeline.dependencies", Bindable.mapOf(String.class, Path.class))
                    .orElse(Map.of());
            return dependencies.isEmpty()
                    ? ConditionOutcome.noMatch("no lifeline.dependencies configured")
                    : ConditionOutcome.match("lifeline.dependencies " + dependencies.keySet());
        }
    }
}
