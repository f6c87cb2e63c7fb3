"""Dagster's SQLite event log, with its database connections kept open.

Dagster's ``SqliteEventLogStorage`` makes a new SQLAlchemy engine, and so a new SQLite
connection and a cold statement cache, for every database access: about 5 ms per event
on the 2-core machine, before the event is written. A refresh writes several events per
document (a materialization when it is staged and when it is published, a result for each
check), so at 500 documents that start-up alone took most of a minute.

``PooledSqliteEventLogStorage`` is the same storage (same files, same schema: ``dagster
dev`` and the default storage read what it writes, and it reads what they wrote) with one
engine per database file, kept while the process lives. Only a few are kept (the index
and the latest runs' files); a process that forks makes its own. The instance's
``dagster.yaml`` names it (see ``refresh.dagster_yaml``)."""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

#: engines kept per process: the index database and the files of the latest runs
KEPT_ENGINES = 8


def _sync_normal(dbapi_connection, _record) -> None:
    """Dagster keeps its event logs in WAL mode; there, ``synchronous=NORMAL`` writes each
    commit to the log without waiting for the disk (SQLite's advice for WAL). A crash of the
    process loses nothing; a power cut can lose the last events written, never the file."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage keeping one engine (one open connection) per database file."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_pid = os.getpid()
        self._asset_key_columns: set[str] = set()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value):  # type: ignore[override]
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        if self._engines_pid != os.getpid():  # forked: the parent's connections are not ours
            self._engines, self._engines_pid = OrderedDict(), os.getpid()
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = create_engine(
            self.conn_string_for_shard(shard),
            poolclass=QueuePool,
            pool_size=1,
            max_overflow=2,  # creating a database inspects it while a connection is open
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
        )
        event.listen(engine, "connect", _sync_normal)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > KEPT_ENGINES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    def _has_asset_key_col_on_connection(self, conn: Connection, column_name: str) -> bool:
        """Dagster reads the asset key table's columns from SQLite at every asset event; a
        column, once there, stays (``dagster instance migrate`` only adds them): remembered."""
        if column_name in self._asset_key_columns:
            return True
        found = super()._has_asset_key_col_on_connection(conn, column_name)
        if found:
            self._asset_key_columns.add(column_name)
        return found

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            with self._engine(shard).connect() as conn, conn.begin():
                yield conn

    def _dispose_engines(self) -> None:
        with self._db_lock:
            if self._engines_pid == os.getpid():
                for engine in self._engines.values():
                    engine.dispose()
            self._engines = OrderedDict()

    def wipe(self) -> None:
        self._dispose_engines()  # before the files go
        super().wipe()

    def dispose(self) -> None:
        self._dispose_engines()
        super().dispose()
