# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import hashlib
from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.dso_contacts.tests.common_reminder import (
    ENGINE_LOGGER,
    NOW,
    TODAY,
    ReminderCommon,
)

from .common import trap_jobs


@tagged("post_install", "-at_install")
class TestReminderQueue(ReminderCommon):
    """The scheduled action queues the reminders by batch of customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "dso_contacts.reminder_batch_size", "2"
        )
        cls.customers = cls.customer
        for name in ("Beta", "Gamma", "Delta", "Epsilon"):
            cls.customers |= cls._create_customer(name, "0456 12 34 56")[0]
        for customer in cls.customers:
            cls._create_invoice(customer, TODAY - timedelta(days=16), 250.0)

    def _key(self, customers):
        ids = customers.ids
        digest = hashlib.sha1(",".join(map(str, ids)).encode()).hexdigest()
        return f"dso_reminder:{self.company.id}:{TODAY}:{digest}"

    def _batches(self):
        # in the order the engine finds them
        customers = self.env["dso.reminder.engine"].sudo()._due_customers(TODAY)
        self.assertEqual(customers, self.customers)
        return [customers[i : i + 2] for i in range(0, len(customers), 2)]

    @freeze_time(NOW)
    def test_cron_queues_one_job_per_company_date_and_batch(self):
        with trap_jobs() as trap, self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_cron()
            self.assertFalse(self._reminders(), "nothing sent by the scheduled action itself")
            trap.assert_jobs_count(3)
            engine = self.env["dso.reminder.engine"]
            for batch in self._batches():
                trap.assert_enqueued_job(
                    engine._queue_process_batch,
                    args=(self.company.id, batch.ids, str(TODAY)),
                    properties={"identity_key": self._key(batch)},
                )
            self.assertEqual(
                {job.channel for job in trap.enqueued_jobs}, {"root.dso_contacts.reminder"}
            )
            trap.perform_enqueued_jobs()
        reminders = self._reminders()
        self.assertEqual(reminders.partner_id, self.customers)
        self.assertEqual(len(reminders), 5, "one reminder a customer")
        self.assertEqual(set(reminders.mapped("level_id")), {self.level_second})
        self.assertEqual(len(self._new_mails), 5)

    @freeze_time(NOW)
    def test_batches_run_in_any_order_or_twice_send_once(self):
        with trap_jobs() as trap, self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_cron()
            jobs = list(reversed(trap.enqueued_jobs))
            for job in jobs:
                job.perform()
            # a worker killed after the commit, a later run of the cron:
            # the same batches again
            for job in jobs:
                job.perform()
            self._run_cron()
            trap.perform_enqueued_jobs()
        self.assertEqual(len(self._reminders()), 5)
        self.assertEqual(len(self._new_mails), 5)

    @freeze_time(NOW)
    def test_cron_runs_the_batches_inline_when_jobs_run_at_once(self):
        """queue_job off (jobs run at once): the glue hands the batches back to
        the engine's own loop."""
        engine = self.env["dso.reminder.engine"].with_context(queue_job__no_delay=True)
        with (
            self.mock_mail_gateway(),
            self.mockSMSGateway(),
            self.assertNoLogs(ENGINE_LOGGER, "WARNING"),
        ):
            engine._cron_send_reminders()
        self.assertFalse(
            self.env["queue.job"].sudo().search([("method_name", "=", "_queue_process_batch")])
        )
        self.assertEqual(self._reminders().partner_id, self.customers)

    @freeze_time(NOW)
    def test_cron_queues_a_batch_once_while_it_waits(self):
        self._run_cron()
        self._run_cron()
        jobs = (
            self.env["queue.job"].sudo().search([("method_name", "=", "_queue_process_batch")])
        )
        self.assertEqual(len(jobs), 3, "the identity keys keep the second run's batches out")
        self.assertEqual(set(jobs.mapped("channel")), {"root.dso_contacts.reminder"})
        self.assertEqual(
            set(jobs.mapped("identity_key")), {self._key(batch) for batch in self._batches()}
        )

    @freeze_time(NOW)
    def test_batch_waiting_past_the_sending_window_sends_nothing(self):
        with trap_jobs() as trap, self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_cron()
            trap.assert_jobs_count(3)
            # the window closed while the batches waited in the queue
            self.company.dso_reminder_hour_to = 9.0
            with self.assertNoLogs(ENGINE_LOGGER, "WARNING"):
                trap.perform_enqueued_jobs()
        self.assertFalse(self._reminders())
        self.assertFalse(self._new_mails)


@tagged("post_install", "-at_install")
class TestReminderQueueTwoCompanies(ReminderCommon):
    """A customer shared by two companies that both send reminders: each
    company's batch is its own job, run in its company, with its invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.company_b.write({"email": "billing@b.example.com", "dso_reminder_auto": True})
        cls.shared, _contact = cls._create_customer("Shared", "0456 55 44 33")
        cls.shared.company_id = False
        cls.invoice_a = cls._create_invoice(cls.shared, TODAY - timedelta(days=16), 111.0)
        cls.invoice_b = cls._create_invoice(
            cls.shared, TODAY - timedelta(days=16), 999.0, company=cls.company_b
        )

    @freeze_time(NOW)
    def test_each_company_queues_and_sends_its_own_batch(self):
        with trap_jobs() as trap, self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_cron()
            self.assertEqual(
                sorted(job.args[0] for job in trap.enqueued_jobs),
                sorted((self.company | self.company_b).ids),
                "one batch job per company",
            )
            for job in trap.enqueued_jobs:
                company_id, _ids, date = job.args
                self.assertTrue(
                    job.identity_key.startswith(f"dso_reminder:{company_id}:{date}:")
                )
            trap.perform_enqueued_jobs()
        reminders = self._reminders(self.shared)
        self.assertEqual(len(reminders), 2)
        for reminder in reminders:
            invoice = self.invoice_a if reminder.company_id == self.company else self.invoice_b
            self.assertEqual(reminder.move_ids, invoice, "its own company's invoice only")
            self.assertEqual(reminder.amount_due, invoice.amount_residual)
        self.assertEqual(reminders.company_id, self.company | self.company_b)
