# Multi-stage build: compile with the Rust toolchain, run on a small distroless image
# (glibc, CA certificates, a non-root user, no shell).
#   docker build -t escalation-bot .
#   docker run --rm -e SLACK_BOT_TOKEN=... -e SLACK_SIGNING_SECRET=... \
#     -v "$PWD/escalation-bot.toml:/etc/escalation-bot/escalation-bot.toml:ro" \
#     -v escalation-data:/var/lib/escalation-bot -p 3000:3000 escalation-bot

FROM rust:1.95-bookworm AS build
WORKDIR /src
# Dependencies first, in their own layer: they change far less often than the code.
# The workspace: the bot, and the Slack stand-in its `demo` command plays against.
COPY Cargo.toml Cargo.lock ./
COPY crates/slack-standin/Cargo.toml crates/slack-standin/
RUN mkdir -p src benches crates/slack-standin/src \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs crates/slack-standin/src/lib.rs \
    && echo 'fn main() {}' > benches/ack.rs \
    && echo 'fn main() {}' > benches/growth.rs \
    && cargo build --release --locked \
    && rm -rf src benches crates/slack-standin/src
COPY src src
COPY benches benches
COPY crates crates
RUN touch src/main.rs src/lib.rs crates/slack-standin/src/lib.rs \
    && cargo build --release --locked --bin escalation-bot

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/escalation-bot /usr/local/bin/escalation-bot
# The store lives here; mount a volume on it.
WORKDIR /var/lib/escalation-bot
# Inside a container the default bind (127.0.0.1:3000) is unreachable through
# `-p 3000:3000`: listen on all interfaces. This overrides server.bind from the mounted
# configuration; set it with `-e ESCALATION_BOT__SERVER__BIND=0.0.0.0:PORT` for another port.
ENV ESCALATION_BOT__SERVER__BIND=0.0.0.0:3000
USER nonroot
EXPOSE 3000 9100
ENTRYPOINT ["/usr/local/bin/escalation-bot"]
CMD ["serve", "--config", "/etc/escalation-bot/escalation-bot.toml"]
