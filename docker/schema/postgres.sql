-- A small schema for the compose recipe; replace it with your application's migrations.
CREATE TABLE customers (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      varchar(120) NOT NULL UNIQUE,
    name       varchar(80) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orders (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    status      text NOT NULL CHECK (status IN ('pending', 'paid', 'shipped')),
    total       numeric(10, 2) NOT NULL CHECK (total >= 0),
    shipped_at  timestamptz
);
