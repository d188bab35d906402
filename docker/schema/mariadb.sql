-- A small schema for the compose recipe; replace it with your application's migrations.
CREATE TABLE customers (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    email      VARCHAR(120) NOT NULL UNIQUE,
    name       VARCHAR(80) NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE orders (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    status      ENUM('pending', 'paid', 'shipped') NOT NULL,
    total       DECIMAL(10, 2) NOT NULL CHECK (total >= 0),
    shipped_at  TIMESTAMP NULL,
    FOREIGN KEY (customer_id) REFERENCES customers (id)
);
