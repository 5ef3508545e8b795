//! Purpose: assembles the running bot (store, Slack client, HTTP ingress, delivery worker,
//! the operations socket) and takes it down cleanly. `Application::build` binds and
//! returns the real address, so tests and the demo run it on port 0.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::config::{Mode, Secret, Secrets, Settings};
use crate::jobs;
use crate::metrics::Metrics;
use crate::operations;
use crate::render::Look;
use crate::slack;
use crate::slack::api::WebApi;
use crate::slack::ingress::{self, Listener};
use crate::store::Store;

/// What every handler and job works with.
pub struct Context {
    pub settings: Settings,
    pub signing_secret: Secret,
    pub store: Store,
    pub slack: WebApi,
    pub clock: Arc<dyn Clock>,
    pub metrics: Arc<Metrics>,
    /// Who is staff (see `staff`): verdicts from users.info, cached.
    pub directory: crate::staff::Directory,
}

impl Context {
    /// The context of a bot on `store`, with no job running yet.
    pub fn new(settings: Settings, secrets: Secrets, clock: Arc<dyn Clock>, store: Store) -> Self {
        let metrics = Arc::new(Metrics::default());
        Context {
            slack: WebApi::new(
                &settings.slack.api_url,
                &secrets.bot_token,
                settings.delivery.call_timeout,
                metrics.clone(),
                clock.clone(),
            ),
            metrics,
            directory: crate::staff::Directory::new(settings.slack.team_id.clone()),
            settings,
            signing_secret: secrets.signing_secret,
            store,
            clock,
        }
    }

    /// How the configuration asks things to be shown: language, currency, zone, links.
    /// Handlers and jobs both render with it.
    pub fn look(&self) -> Look<'_> {
        Look {
            t: self.settings.locale.catalog(),
            currency: &self.settings.currency,
            reporter_may_decide: self.settings.rules.roles.reporter_may_decide,
            zone: &self.settings.report.schedule.zone,
            policy_url: self.settings.policy_url.as_deref(),
            support_url: self.settings.support_url.as_deref(),
            company: self.settings.company_name.as_deref(),
            terms_clause: self.settings.terms_clause.as_deref(),
            desk: !self.settings.rules.roles.desk.members.is_empty(),
        }
    }
}

pub struct Application {
    addr: SocketAddr,
    ctx: Arc<Context>,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
    metrics_addr: Option<SocketAddr>,
    metrics: Option<JoinHandle<()>>,
    operations: JoinHandle<()>,
    worker: JoinHandle<()>,
    scheduler: JoinHandle<()>,
    inbox: JoinHandle<()>,
    report: JoinHandle<()>,
    socket: Option<JoinHandle<()>>,
}

impl Application {
    /// Opens the store and binds `settings.bind`.
    pub async fn build(
        settings: Settings,
        secrets: Secrets,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(settings.bind)
            .await
            .with_context(|| format!("could not listen on {}", settings.bind))?;
        let metrics =
            match settings.metrics_bind {
                Some(addr) => Some(TcpListener::bind(addr).await.with_context(|| {
                    format!("could not listen on {addr} (server.metrics_bind)")
                })?),
                None => None,
            };
        let store = Store::open(&settings.store_path, settings.store_cache_bytes)?;
        Application::start_with_metrics(settings, secrets, clock, store, listener, metrics)
    }

    /// Starts on an already-open store and bound listener.
    pub fn start(
        settings: Settings,
        secrets: Secrets,
        clock: Arc<dyn Clock>,
        store: Store,
        listener: TcpListener,
    ) -> anyhow::Result<Application> {
        Application::start_with_metrics(settings, secrets, clock, store, listener, None)
    }

    /// Starts with a second listener for /metrics and /readyz (`server.metrics_bind`).
    /// The operations socket is bound in the store's directory either way.
    pub fn start_with_metrics(
        settings: Settings,
        mut secrets: Secrets,
        clock: Arc<dyn Clock>,
        mut store: Store,
        listener: TcpListener,
        metrics: Option<TcpListener>,
    ) -> anyhow::Result<Application> {
        let report = &settings.report;
        if store.set_report_zone(report.schedule.zone.clone(), &report.zone_name)? {
            tracing::info!(zone = report.zone_name, "weekly report figures counted");
        }
        let addr = listener
            .local_addr()
            .context("the listener has no local address")?;
        let app_token = secrets.app_token.take();
        let ctx = Arc::new(Context::new(settings, secrets, clock, store));
        let (stop, stopped) = watch::channel(false);
        let stop_signal = |mut stopped: watch::Receiver<bool>| async move {
            // Err means the sender is gone, which is a stop too.
            let _ = stopped.wait_for(|stop| *stop).await;
        };
        let socket_path = operations::socket::socket_path(&ctx.settings.store_path);
        let socket = operations::socket::bind(&ctx.settings.store_path)?;
        let server = tokio::spawn(ingress::serve(
            listener,
            ctx.clone(),
            Listener::Main,
            stop_signal(stopped.clone()),
        ));
        let metrics_addr = metrics.as_ref().and_then(|l| l.local_addr().ok());
        if metrics.is_none() {
            tracing::info!(
                "server.metrics_bind is not set: /metrics and /readyz are not served anywhere"
            );
        }
        let metrics = metrics.map(|listener| {
            tokio::spawn(ingress::serve(
                listener,
                ctx.clone(),
                Listener::Metrics,
                stop_signal(stopped.clone()),
            ))
        });
        let operations = tokio::spawn(operations::socket::serve(
            socket,
            socket_path,
            ctx.clone(),
            stop_signal(stopped.clone()),
        ));
        let worker = tokio::spawn(jobs::outbox::run(ctx.clone(), stopped.clone()));
        let scheduler = tokio::spawn(jobs::scheduler::run(ctx.clone(), stopped.clone()));
        let inbox = tokio::spawn(jobs::inbox::run(ctx.clone(), stopped.clone()));
        let report = tokio::spawn(jobs::report::run(ctx.clone(), stopped.clone()));
        let slack_socket = match (ctx.settings.slack.mode, app_token) {
            (Mode::Socket, Some(token)) => Some(tokio::spawn(slack::socket::run(
                ctx.clone(),
                token,
                stopped,
            ))),
            (Mode::Socket, None) => {
                anyhow::bail!("Socket Mode needs SLACK_APP_TOKEN (the app-level token)")
            }
            (Mode::Http, _) => None,
        };
        tracing::info!(%addr, "listening for Slack");
        Ok(Application {
            addr,
            ctx,
            stop,
            server,
            metrics_addr,
            metrics,
            operations,
            worker,
            scheduler,
            inbox,
            report,
            socket: slack_socket,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where /metrics and /readyz are served, when `server.metrics_bind` is set.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_addr
    }

    pub fn context(&self) -> &Arc<Context> {
        &self.ctx
    }

    /// Runs until `signal` resolves, then shuts down.
    pub async fn run_until(self, signal: impl Future<Output = ()>) -> anyhow::Result<()> {
        signal.await;
        tracing::info!("shutting down");
        self.shutdown().await
    }

    /// Stops accepting, lets in-flight requests and the deliveries in progress finish,
    /// stops the jobs, and flushes the store.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        self.server.await.context("the HTTP server task failed")?;
        if let Some(metrics) = self.metrics {
            metrics.await.context("the metrics listener failed")?;
        }
        self.operations
            .await
            .context("the operations socket failed")?;
        self.worker
            .await
            .context("the delivery worker task failed")?;
        self.scheduler.await.context("the scheduler task failed")?;
        self.inbox.await.context("the event work task failed")?;
        self.report.await.context("the weekly report task failed")?;
        if let Some(socket) = self.socket {
            socket.await.context("the Socket Mode task failed")?;
        }
        self.ctx.store.flush().await?;
        tracing::info!("stopped; store flushed");
        Ok(())
    }
}
