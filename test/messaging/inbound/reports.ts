// Report mails as real mail systems write them, built around a mail Kizuna really sent: Postfix's
// bounce and delay notices (text/plain + message/delivery-status + text/rfc822-headers), Gmail's
// "Delivery Status Notification (Failure)" (with the whole original as message/rfc822), an Exchange
// style notice addressed to the plain bounce address (so only the returned Message-ID names the
// message), a success notice, and ARF complaint reports in Yahoo's and AOL's styles.

const CRLF = "\r\n";

/** The header block of a raw mail, as an MTA returns it in text/rfc822-headers. */
export function headerBlock(raw: Buffer): string {
  const text = raw.toString("utf8");
  const end = text.indexOf("\r\n\r\n");
  return end < 0 ? text : text.slice(0, end);
}

function crlf(text: string): string {
  return text.replace(/\r?\n/g, CRLF);
}

export interface Original {
  /** The VERP envelope sender the mail went out with (bounces+m<id>@…). */
  envelopeFrom: string;
  /** The address it was sent to. */
  recipient: string;
  /** The mail as sent. */
  raw: Buffer;
}

const POSTFIX_DATE = "Mon,  1 Jun 2026 11:02:00 +0900 (JST)";

/** Postfix's non-delivery notice for a recipient its peer refused. */
export function postfixBounce(
  original: Original,
  reply = { status: "5.1.1", text: "550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown" },
  queueId = "4ZbQ1c2X3Kz9sTk",
): string {
  const boundary = `${queueId}.1780279320/mx1.example.jp`;
  const diagnostic = reply.text.replace("{rcpt}", original.recipient);
  return crlf(`Return-Path: <>
Received: by mx1.example.jp (Postfix)
	id ${queueId}; ${POSTFIX_DATE}
Date: ${POSTFIX_DATE}
From: MAILER-DAEMON@mx1.example.jp (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: ${original.envelopeFrom}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="${boundary}"
Content-Transfer-Encoding: 8bit
Message-Id: <20260601020200.${queueId}@mx1.example.jp>

This is a MIME-encapsulated message.

--${boundary}
Content-Description: Notification
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

This is the mail system at host mx1.example.jp.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<${original.recipient}>: host mx.example.jp[192.0.2.25] said: ${diagnostic}
    (in reply to RCPT TO command)

--${boundary}
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.example.jp
X-Postfix-Queue-ID: ${queueId}
X-Postfix-Sender: rfc822; ${original.envelopeFrom}
Arrival-Date: Mon,  1 Jun 2026 11:01:58 +0900 (JST)

Final-Recipient: rfc822; ${original.recipient}
Original-Recipient: rfc822;${original.recipient}
Action: failed
Status: ${reply.status}
Remote-MTA: dns; mx.example.jp
Diagnostic-Code: smtp; ${diagnostic}
    (in reply to RCPT TO command)

--${boundary}
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers
Content-Transfer-Encoding: 8bit

${headerBlock(original.raw)}

--${boundary}--
`);
}

/** Postfix's "still being retried" notice (delay_warning_time). */
export function postfixDelay(original: Original, queueId = "4ZbQ5d6Y7Lz1sTm"): string {
  const boundary = `${queueId}.1780293720/mx1.example.jp`;
  return crlf(`Return-Path: <>
Date: Mon,  1 Jun 2026 15:02:00 +0900 (JST)
From: MAILER-DAEMON@mx1.example.jp (Mail Delivery System)
Subject: Delayed Mail (still being retried)
To: ${original.envelopeFrom}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="${boundary}"
Message-Id: <20260601060200.${queueId}@mx1.example.jp>

--${boundary}
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx1.example.jp.

####################################################################
# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
####################################################################

Your message could not be delivered for more than 4 hour(s).
It will be retried until it is 5 day(s) old.

<${original.recipient}>: connect to mx.example.jp[192.0.2.25]:25: Connection timed out

--${boundary}
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.example.jp
X-Postfix-Queue-ID: ${queueId}
X-Postfix-Sender: rfc822; ${original.envelopeFrom}
Arrival-Date: Mon,  1 Jun 2026 11:01:58 +0900 (JST)

Final-Recipient: rfc822; ${original.recipient}
Original-Recipient: rfc822;${original.recipient}
Action: delayed
Status: 4.4.1
Diagnostic-Code: X-Postfix; connect to mx.example.jp[192.0.2.25]:25: Connection
    timed out
Will-Retry-Until: Sat,  6 Jun 2026 11:01:58 +0900 (JST)

--${boundary}
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

${headerBlock(original.raw)}

--${boundary}--
`);
}

/** Gmail's notice: nested HTML/text explanation, then the status, then the whole original. */
export function gmailBounce(original: Original): string {
  const outer = "000000000000a1b2c3d4e5f6a7b8";
  const related = "000000000000b2c3d4e5f6a7b8c9";
  const alternative = "000000000000c3d4e5f6a7b8c9d0";
  const messageId = headerBlock(original.raw).match(/^Message-ID:\s*(<[^>]+>)/im)?.[1] ?? "";
  return crlf(`Delivered-To: ${original.envelopeFrom}
Return-Path: <>
Received: by mail-sor-f69.google.com with SMTPS id 41be03b00d2f7-5c1a2b3c4d5so1234567a12.2
        for <${original.envelopeFrom}>; Mon, 01 Jun 2026 02:02:00 -0700 (PDT)
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: ${original.envelopeFrom}
Auto-Submitted: auto-replied
Subject: Delivery Status Notification (Failure)
References: ${messageId}
In-Reply-To: ${messageId}
X-Failed-Recipients: ${original.recipient}
Message-ID: <6655aabb.050a0220.1f2e3d.c001.GMR@mx.google.com>
Date: Mon, 01 Jun 2026 02:02:00 -0700 (PDT)
MIME-Version: 1.0
Content-Type: multipart/report; boundary="${outer}"; report-type=delivery-status

--${outer}
Content-Type: multipart/related; boundary="${related}"

--${related}
Content-Type: multipart/alternative; boundary="${alternative}"

--${alternative}
Content-Type: text/plain; charset="UTF-8"


** Address not found **

Your message wasn't delivered to ${original.recipient} because the address couldn't be found, or is unable to receive mail.

Learn more here: https://support.google.com/mail/?p=NoSuchUser

The response was:

The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces.

--${alternative}
Content-Type: text/html; charset="UTF-8"

<html><body><h2>Address not found</h2><p>Your message wasn't delivered because the address couldn't be found.</p></body></html>

--${alternative}--
--${related}--
--${outer}
Content-Type: message/delivery-status

Reporting-MTA: dns; googlemail.com
Received-From-MTA: dns; mail.kizuna-sabo.jp
Arrival-Date: Mon, 01 Jun 2026 02:01:59 -0700 (PDT)
X-Original-Message-ID: ${messageId}

Final-Recipient: rfc822; ${original.recipient}
Action: failed
Status: 5.1.1
Remote-MTA: dns; gmail-smtp-in.l.google.com. (142.250.4.26, the server for the domain gmail.com.)
Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try
 550-5.1.1 double-checking the recipient's email address for typos or
 550-5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser
 41be03b00d2f7-5c1a2b3c4d5si1234567a12.2 - gsmtp
Last-Attempt-Date: Mon, 01 Jun 2026 02:02:00 -0700 (PDT)

--${outer}
Content-Type: message/rfc822

${original.raw.toString("utf8")}
--${outer}--
`);
}

/**
 * An Exchange-style notice sent to the plain bounce address (a relay that rewrote the envelope, say):
 * no VERP, so only the Message-ID of the original, inline as message/rfc822, names the message.
 */
export function exchangeBounce(original: Original, to: string): string {
  const boundary = "_000_DM6PR01MB1234ABCDEF_";
  return crlf(`From: postmaster@contoso-shop.jp
To: ${to}
Date: Mon, 1 Jun 2026 02:02:00 +0000
Content-Type: multipart/report; report-type=delivery-status;
	boundary="${boundary}"
MIME-Version: 1.0
Message-ID: <1b2c3d4e-5f60-4a1b-8c2d-3e4f5a6b7c8d@DM6PR01MB1234.jpnprd01.prod.outlook.com>
Subject: Undeliverable: mail to ${original.recipient}
Auto-Submitted: auto-replied

--${boundary}
Content-Type: text/plain; charset="us-ascii"

Your message to ${original.recipient} couldn't be delivered.
The mailbox is full.

--${boundary}
Content-Type: message/delivery-status

Reporting-MTA: dns;DM6PR01MB1234.jpnprd01.prod.outlook.com
Received-From-MTA: dns;mail.kizuna-sabo.jp
Arrival-Date: Mon, 1 Jun 2026 02:01:59 +0000

Final-Recipient: rfc822;${original.recipient}
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp;554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException

--${boundary}
Content-Type: message/rfc822
Content-Disposition: inline

${original.raw.toString("utf8")}
--${boundary}--
`);
}

/** A success notice (NOTIFY=SUCCESS), from the recipient's server. */
export function deliveredNotice(original: Original): string {
  const boundary = "4ZbQ9e0Z1Mz2sTn.1780279330/mx.example.jp";
  return crlf(`Return-Path: <>
Date: Mon,  1 Jun 2026 11:02:10 +0900 (JST)
From: MAILER-DAEMON@mx.example.jp (Mail Delivery System)
Subject: Successful Mail Delivery Report
To: ${original.envelopeFrom}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="${boundary}"
Message-Id: <20260601020210.4ZbQ9e0Z1Mz2sTn@mx.example.jp>

--${boundary}
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.jp.

Your message was successfully delivered to the destination(s)
listed below.

<${original.recipient}>: delivery via local: delivered to mailbox

--${boundary}
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.jp
X-Postfix-Queue-ID: 4ZbQ9e0Z1Mz2sTn
X-Postfix-Sender: rfc822; ${original.envelopeFrom}

Final-Recipient: rfc822; ${original.recipient}
Action: delivered
Status: 2.0.0
Diagnostic-Code: X-Postfix; delivery via local: delivered to mailbox

--${boundary}
Content-Description: Message Headers
Content-Type: text/rfc822-headers

${headerBlock(original.raw)}

--${boundary}--
`);
}

/** Yahoo's complaint feedback loop: the original inline, the recipient redacted. */
export function yahooComplaint(original: Original, to: string): string {
  const boundary = "----=_Part_1780279400_1234567890";
  return crlf(`From: Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>
To: ${to}
Subject: FW: 【Test Shop】お買い物カゴに商品が残っています
Date: Mon, 1 Jun 2026 03:10:00 +0000
Message-ID: <1780279400.987654.feedback@arf.mail.yahoo.com>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="${boundary}"

--${boundary}
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit

This is an email abuse report for an email message received from IP 203.0.113.10 on Mon, 1 Jun 2026 02:02:00 +0000

--${boundary}
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: Yahoo!-Mail-Feedback/2.0
Version: 0.1
Original-Mail-From: <${original.envelopeFrom}>
Original-Rcpt-To: redacted@yahoo.co.jp
Received-Date: Mon, 1 Jun 2026 02:02:00 +0000
Reported-Domain: kizuna-sabo.jp
Authentication-Results: mta1000.mail.gq1.yahoo.com  from=kizuna-sabo.jp; domainkeys=neutral (no sig);  from=kizuna-sabo.jp; dkim=pass (ok)

--${boundary}
Content-Type: message/rfc822
Content-Disposition: inline

${original.raw.toString("utf8")}
--${boundary}--
`);
}

/** An AOL-style ARF with only the original's headers (text/rfc822-headers). */
export function aolComplaint(original: Original, to: string, feedbackType = "abuse"): string {
  const boundary = "boundary-1780279500";
  return crlf(`From: scomp@aol.net
To: ${to}
Subject: Email Feedback Report for IP 203.0.113.10
Date: Mon, 1 Jun 2026 03:11:40 +0000
Message-ID: <ARF-1780279500-42@aol.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="${boundary}"

--${boundary}
Content-Type: text/plain

This is an email abuse report for an email message received from IP 203.0.113.10.

--${boundary}
Content-Type: message/feedback-report

Feedback-Type: ${feedbackType}
User-Agent: AOL SComp
Version: 1
Original-Rcpt-To: ${original.recipient}
Arrival-Date: Mon, 1 Jun 2026 02:02:00 +0000

--${boundary}
Content-Type: text/rfc822-headers

${headerBlock(original.raw)}

--${boundary}--
`);
}

/** An out-of-office reply sent to the envelope sender: not a report. */
export function vacationReply(original: Original): string {
  return crlf(`From: ${original.recipient}
To: ${original.envelopeFrom}
Subject: 不在通知 / Out of office
Auto-Submitted: auto-replied
Date: Mon, 1 Jun 2026 02:03:00 +0000
Message-ID: <vacation-1780279380@example.jp>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

6月8日まで不在にしております。
`);
}
