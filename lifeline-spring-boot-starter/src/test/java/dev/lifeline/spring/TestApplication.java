package dev.lifeline.spring;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The smallest Spring Boot application: whatever auto-configuration finds on the class path. */
@SpringBootApplication
public class TestApplication {
}
