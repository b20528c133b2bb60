package dev.vitals;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class VitalsApplication {
    public static void main(String[] args) {
        SpringApplication.run(VitalsApplication.class, args);
    }
}
