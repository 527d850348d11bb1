"""Bot API methods over the simulated world, with Telegram's results and error texts."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp

from sandbox.errors import ApiError, bad_request, conflict
from sandbox.files import MAX_DOWNLOAD_SIZE, FileRecord, document_json, image_size, photo_json
from sandbox.formatting import format_text, utf16_len
from sandbox.params import Params, Upload
from sandbox.state import BotState, Chat, StoredMessage, World

if TYPE_CHECKING:
    from sandbox.webhook import Webhooks

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
})
UPDATE_TYPES = frozenset({
    "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
    "business_message", "edited_business_message", "deleted_business_messages", "message_reaction",
    "message_reaction_count", "inline_query", "chosen_inline_result", "callback_query", "shipping_query",
    "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer", "my_chat_member", "chat_member",
    "chat_join_request", "chat_boost", "removed_chat_boost",
})
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# Messages that Telegram counts against the send limits.
RATE_LIMITED = frozenset({"sendMessage", "sendDocument", "sendPhoto", "copyMessage", "forwardMessage"})


@dataclass
class Call:
    world: World
    bot: BotState
    params: Params
    webhooks: Webhooks
    http: Callable[[], Awaitable[aiohttp.ClientSession]]


Handler = Callable[[Call], Awaitable[Any]]
METHODS: dict[str, Handler] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        METHODS[name] = func
        return func

    return register


def canonical_name(name: str) -> str | None:
    lowered = name.lower()
    for known in METHODS:
        if known.lower() == lowered:
            return known
    return None


# --- shared validation ---------------------------------------------------------------------------


_INLINE_ACTIONS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
                   "callback_game", "pay")


def _validate_markup(markup: Any) -> dict[str, Any] | None:
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return {"inline_keyboard": _inline_rows(markup["inline_keyboard"])}
    if "keyboard" in markup:
        return {**markup, "keyboard": _reply_rows(markup["keyboard"])}
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def _inline_rows(rows: Any) -> list[list[Any]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    for button in (button for row in rows for button in row):
        _check_inline_button(button)
    return rows


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str) \
            or len([key for key in _INLINE_ACTIONS if key in button]) != 1:
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    if data is not None and not (isinstance(data, str) and 1 <= len(data.encode()) <= 64):
        raise bad_request("BUTTON_DATA_INVALID")


def _reply_rows(rows: Any) -> list[list[Any]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse keyboard button: field \"keyboard\" must be an Array")
    normal = [[{"text": b} if isinstance(b, str) else b for b in row] for row in rows]
    for button in (button for row in normal for button in row):
        if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"]:
            raise bad_request("can't parse keyboard button: Field \"text\" must be of type String")
    return normal


def _chat_message(call: Call, chat_param: str = "chat_id") -> tuple[Chat, StoredMessage | None, int]:
    chat_id = call.params.values.get(chat_param)
    if chat_id is None or chat_id == "":
        raise bad_request(f"{chat_param} is empty")
    chat = call.world.writable_chat(call.bot, chat_id)
    message_id = call.params.require_integer("message_id", "message identifier is not specified")
    return chat, chat.message(message_id), message_id


def _target_chat(call: Call) -> Chat:
    chat_id = call.params.values.get("chat_id")
    if chat_id is None or chat_id == "":
        raise bad_request("chat_id is empty")
    return call.world.writable_chat(call.bot, chat_id)


def _reply_extra(call: Call, chat: Chat) -> dict[str, Any]:
    p = call.params
    reply = p.obj("reply_parameters")
    reply_id: int | None = None
    allow_missing = p.flag("allow_sending_without_reply")
    if isinstance(reply, dict) and reply.get("message_id") is not None:
        reply_id = int(reply["message_id"])
        allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
    elif reply is not None and not isinstance(reply, dict):
        raise bad_request("can't parse reply parameters JSON object")
    else:
        reply_id = p.integer("reply_to_message_id")
    if reply_id is None:
        return {}
    original = chat.message(reply_id)
    if original is None:
        if allow_missing:
            return {}
        raise bad_request("message to be replied not found")
    # Telegram nests one level only.
    return {"reply_to_message": {k: v for k, v in original.data.items() if k != "reply_to_message"}}


def _flags(p: Params) -> dict[str, Any]:
    return {"has_protected_content": True} if p.flag("protect_content") else {}


def _text_content(p: Params, field: str, entities_field: str, limit: int, *, required: bool) -> dict[str, Any]:
    raw = p.string(field)
    if raw is None or raw.strip() == "":
        if required:
            raise bad_request("message text is empty")
        return {}
    text, entities = format_text(raw, p.string("parse_mode"), p.obj(entities_field))
    if utf16_len(text) > limit:
        raise bad_request("message is too long" if field == "text" else "message caption is too long")
    if not text.strip():
        raise bad_request("message text is empty")
    content: dict[str, Any] = {field: text}
    if entities:
        content[entities_field] = entities
    return content


# --- bot identity and updates --------------------------------------------------------------------


@method("getMe")
async def get_me(call: Call) -> dict[str, Any]:
    return {
        **call.bot.as_user(), "can_join_groups": True, "can_read_all_group_messages": False,
        "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False,
    }


@method("logOut")
async def log_out(call: Call) -> bool:
    return True


@method("close")
async def close(call: Call) -> bool:
    return True


def _allowed_updates(p: Params) -> list[str] | None:
    allowed = p.obj("allowed_updates")
    if allowed is None:
        return None
    if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
        raise bad_request("can't parse allowed_updates JSON object")
    return [a for a in allowed if a in UPDATE_TYPES]


@method("getUpdates")
async def get_updates(call: Call) -> list[dict[str, Any]]:
    bot, p = call.bot, call.params
    if bot.webhook is not None:
        raise conflict("can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
                       "webhook first")
    offset = p.integer("offset", 0) or 0
    limit = min(max(p.integer("limit", 100) or 100, 1), 100)
    timeout = max(p.integer("timeout", 0) or 0, 0)
    if p.values.get("allowed_updates") is not None:
        # Telegram remembers allowed_updates and applies it to updates created from now on.
        bot.allowed_updates = _allowed_updates(p)
    if offset > 0:
        bot.confirm_before(offset)
    elif offset < 0:
        bot.keep_last(-offset)
    bot.poll_generation += 1
    generation = bot.poll_generation
    # An older long poll still waiting must end now with 409, as on Telegram.
    bot.updates_signal.fire()
    deadline = time.monotonic() + timeout
    while True:
        if bot.webhook is not None:
            raise conflict("can't use getUpdates method while webhook is active; use deleteWebhook to delete "
                           "the webhook first")
        if bot.poll_generation != generation:
            raise conflict("terminated by other getUpdates request; make sure that only one bot instance is "
                           "running")
        if bot.pending:
            batch = bot.pending[:limit]
            bot.handed_over(batch)
            return batch
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return []
        await bot.updates_signal.wait(remaining)


@method("setWebhook")
async def set_webhook(call: Call) -> bool:
    p, bot = call.params, call.bot
    url = p.string("url") or ""
    if not url:
        await call.webhooks.stop(bot, drop_pending=p.flag("drop_pending_updates"))
        return True
    if not re.match(r"^https?://[^/\s]+", url):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.string("secret_token")
    if secret is not None and not SECRET_TOKEN_RE.match(secret):
        raise bad_request("secret token contains unallowed characters")
    if p.values.get("allowed_updates") is not None:
        bot.allowed_updates = _allowed_updates(p)
    max_connections = p.integer("max_connections", 40) or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    if p.flag("drop_pending_updates"):
        bot.drop_pending()
    await call.webhooks.start(bot, url=url, secret_token=secret, max_connections=max_connections,
                              ip_address=p.string("ip_address"))
    return True


@method("deleteWebhook")
async def delete_webhook(call: Call) -> bool:
    await call.webhooks.stop(call.bot, drop_pending=call.params.flag("drop_pending_updates"))
    return True


@method("getWebhookInfo")
async def get_webhook_info(call: Call) -> dict[str, Any]:
    bot = call.bot
    info: dict[str, Any] = {
        "url": bot.webhook.url if bot.webhook else "", "has_custom_certificate": False,
        "pending_update_count": len(bot.pending),
    }
    if bot.webhook is not None:
        info["max_connections"] = bot.webhook.max_connections
        if bot.webhook.ip_address:
            info["ip_address"] = bot.webhook.ip_address
        if bot.webhook.last_error_date is not None:
            info["last_error_date"] = bot.webhook.last_error_date
            info["last_error_message"] = bot.webhook.last_error_message
        if bot.allowed_updates is not None:
            info["allowed_updates"] = bot.allowed_updates
    return info


# --- commands and profile texts ------------------------------------------------------------------

_SCOPES = frozenset({"default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
                     "chat_administrators", "chat_member"})


def _scope_key(call: Call) -> tuple[str, str]:
    scope = call.params.obj("scope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    key = scope["type"]
    if "chat_id" in scope:
        key += f":{scope['chat_id']}"
    if "user_id" in scope:
        key += f":{scope['user_id']}"
    language = call.params.string("language_code") or ""
    if language and not re.match(r"^[a-z]{2}$", language):
        raise bad_request("invalid language code specified")
    return key, language


@method("setMyCommands")
async def set_my_commands(call: Call) -> bool:
    commands = call.params.obj("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    clean: list[dict[str, Any]] = []
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse BotCommand JSON object")
        name = str(command.get("command", "")).lstrip("/")
        description = str(command.get("description", ""))
        if not COMMAND_RE.match(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        clean.append({"command": name, "description": description})
    key = _scope_key(call)
    if clean:
        call.bot.commands[key] = clean
    else:
        call.bot.commands.pop(key, None)
    return True


@method("getMyCommands")
async def get_my_commands(call: Call) -> list[dict[str, Any]]:
    return list(call.bot.commands.get(_scope_key(call), []))


@method("deleteMyCommands")
async def delete_my_commands(call: Call) -> bool:
    call.bot.commands.pop(_scope_key(call), None)
    return True


def _profile_text(kind: str, limit: int) -> tuple[Handler, Handler]:
    async def setter(call: Call) -> bool:
        value = call.params.string(kind) or ""
        if len(value) > limit:
            raise bad_request(f"{kind} is too long")
        language = call.params.string("language_code") or ""
        if value:
            call.bot.texts[(kind, language)] = value
        else:
            call.bot.texts.pop((kind, language), None)
        if kind == "name" and not language and value:
            call.bot.first_name = value
        return True

    async def getter(call: Call) -> dict[str, Any]:
        language = call.params.string("language_code") or ""
        default = call.bot.first_name if kind == "name" else ""
        return {kind: call.bot.texts.get((kind, language), call.bot.texts.get((kind, ""), default))}

    return setter, getter


for _kind, _limit, _suffix in (("name", 64, "Name"), ("description", 512, "Description"),
                               ("short_description", 120, "ShortDescription")):
    _set, _get = _profile_text(_kind, _limit)
    METHODS[f"setMy{_suffix}"] = _set
    METHODS[f"getMy{_suffix}"] = _get


@method("setChatMenuButton")
async def set_chat_menu_button(call: Call) -> bool:
    button = call.params.obj("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in {"commands", "web_app", "default"}:
        raise bad_request("can't parse menu button JSON object")
    call.bot.menu_button = {"type": "commands"} if button["type"] == "default" else button
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(call: Call) -> dict[str, Any]:
    return call.bot.menu_button


# --- messages ------------------------------------------------------------------------------------


@method("sendMessage")
async def send_message(call: Call) -> dict[str, Any]:
    p = call.params
    chat = _target_chat(call)
    content = _text_content(p, "text", "entities", MAX_TEXT_LENGTH, required=True)
    options = p.obj("link_preview_options")
    if isinstance(options, dict):
        content["link_preview_options"] = options
    markup = _validate_markup(p.obj("reply_markup"))
    extra = {**_reply_extra(call, chat), **_flags(p)}
    call.world.check_rate(call.bot, chat)
    stored = call.world.post_bot_message(
        chat, content, markup=markup, raw_text=p.string("text"), parse_mode=p.string("parse_mode"), extra=extra,
    )
    return stored.data


def _not_modified() -> ApiError:
    return bad_request("message is not modified: specified new message content and reply markup are exactly the "
                       "same as a current content and reply markup of the message")


def _editable(call: Call) -> tuple[Chat, StoredMessage]:
    if call.params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat, stored, _ = _chat_message(call)
    if stored is None:
        raise bad_request("message to edit not found")
    if not stored.outgoing:
        raise bad_request("message can't be edited")
    return chat, stored


def _apply_edit(call: Call, chat: Chat, stored: StoredMessage, changes: dict[str, Any],
                markup: dict[str, Any] | None, drop: tuple[str, ...]) -> dict[str, Any]:
    before = {k: v for k, v in stored.data.items() if k != "edit_date"}
    data = {k: v for k, v in stored.data.items() if k not in drop and k != "reply_markup"}
    data.update(changes)
    if markup is not None and "inline_keyboard" in markup:
        data["reply_markup"] = markup
    elif markup is not None:
        raise bad_request("inline keyboard expected")
    after = {k: v for k, v in data.items() if k != "edit_date"}
    if after == before:
        raise _not_modified()
    data["edit_date"] = int(time.time())
    stored.data = data
    stored.sent_markup = markup
    chat.add_event("edit", message=call.world.message_view(stored))
    return data


@method("editMessageText")
async def edit_message_text(call: Call) -> dict[str, Any]:
    p = call.params
    chat, stored = _editable(call)
    if "text" not in stored.data:
        raise bad_request("there is no text in the message to edit")
    content = _text_content(p, "text", "entities", MAX_TEXT_LENGTH, required=True)
    markup = _validate_markup(p.obj("reply_markup"))
    data = _apply_edit(call, chat, stored, content, markup, ("text", "entities"))
    stored.raw_text, stored.parse_mode = p.string("text"), p.string("parse_mode")
    chat.events[-1]["message"] = call.world.message_view(stored)
    return data


@method("editMessageCaption")
async def edit_message_caption(call: Call) -> dict[str, Any]:
    p = call.params
    chat, stored = _editable(call)
    if "text" in stored.data:
        raise bad_request("there is no caption in the message to edit")
    content = _text_content(p, "caption", "caption_entities", MAX_CAPTION_LENGTH, required=False)
    markup = _validate_markup(p.obj("reply_markup"))
    data = _apply_edit(call, chat, stored, content, markup, ("caption", "caption_entities"))
    stored.raw_text, stored.parse_mode = p.string("caption"), p.string("parse_mode")
    chat.events[-1]["message"] = call.world.message_view(stored)
    return data


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(call: Call) -> dict[str, Any]:
    chat, stored = _editable(call)
    markup = _validate_markup(call.params.obj("reply_markup"))
    return _apply_edit(call, chat, stored, {}, markup, ())


@method("deleteMessage")
async def delete_message(call: Call) -> bool:
    chat, stored, message_id = _chat_message(call)
    if stored is None:
        raise bad_request("message to delete not found")
    stored.deleted = True
    chat.add_event("delete", message_id=message_id)
    return True


@method("deleteMessages")
async def delete_messages(call: Call) -> bool:
    chat = _target_chat(call)
    ids = call.params.obj("message_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message_ids is empty")
    for message_id in ids:
        stored = chat.message(int(message_id))
        if stored is not None:
            stored.deleted = True
            chat.add_event("delete", message_id=int(message_id))
    return True


@method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> bool:
    p = call.params
    query_id = p.require_string("callback_query_id", "query is too old and response timeout expired or query ID "
                             "is invalid")
    record = call.world.callbacks.get(query_id)
    if record is None or record.token != call.bot.token or record.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.string("text") or ""
    if len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answered = True
    answer = {"callback_query_id": query_id, "text": text, "show_alert": p.flag("show_alert"),
              "url": p.string("url"), "data": record.data}
    chat = call.world.chat(call.bot, record.user_id)
    if record.message_id is not None:
        stored = chat.message(record.message_id)
        if stored is not None:
            stored.callback_answers.append(answer)
    chat.add_event("callback_answer", message_id=record.message_id, **answer)
    return True


@method("sendChatAction")
async def send_chat_action(call: Call) -> bool:
    chat = _target_chat(call)
    action = call.params.string("action") or ""
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.add_event("chat_action", action=action)
    return True


# --- files ---------------------------------------------------------------------------------------


async def _resolve_file(call: Call, field: str, kind: str) -> tuple[str, FileRecord]:
    source = call.params.input_file(field)
    if source is None:
        raise bad_request(f"there is no {field[:-1] if field.endswith('s') else field} in the request")
    if isinstance(source, str) and re.match(r"^https?://", source):
        source = await _download(call, source, field)
    if isinstance(source, str):
        return source, _known_file(call, source, kind)
    return await _store_upload(call, source, kind)


async def _download(call: Call, url: str, field: str) -> Upload:
    try:
        session = await call.http()
        async with session.get(url) as response:
            response.raise_for_status()
            name = url.rstrip("/").rsplit("/", 1)[-1] or field
            return Upload(name, await response.read(), response.content_type)
    except (aiohttp.ClientError, TimeoutError):
        raise bad_request("failed to get HTTP URL content") from None


def _known_file(call: Call, file_id: str, kind: str) -> FileRecord:
    record = call.world.files.get(file_id)
    if record is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if (record.kind == "photos") != (kind == "photos"):
        raise bad_request(f"can't use file of type {record.kind[:-1].capitalize()} as {kind[:-1].capitalize()}")
    return record


async def _store_upload(call: Call, source: Upload, kind: str) -> tuple[str, FileRecord]:
    files = call.world.files
    if kind == "photos":
        size = image_size(source.content)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        if source.content and len(source.content) > 10 * 1024 * 1024:
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        return await files.add(source.content, kind="photos", file_name=source.filename,
                               mime_type=source.content_type, width=size[0], height=size[1])
    if not source.content:
        raise bad_request("file must be non-empty")
    return await files.add(source.content, kind="documents", file_name=source.filename,
                           mime_type=source.content_type)


async def _send_media(call: Call, field: str, kind: str) -> dict[str, Any]:
    p = call.params
    chat = _target_chat(call)
    file_id, record = await _resolve_file(call, field, kind)
    content = _text_content(p, "caption", "caption_entities", MAX_CAPTION_LENGTH, required=False)
    if kind == "photos":
        content["photo"] = photo_json(file_id, record)
    else:
        content["document"] = document_json(file_id, record)
    markup = _validate_markup(p.obj("reply_markup"))
    extra = {**_reply_extra(call, chat), **_flags(p)}
    call.world.check_rate(call.bot, chat)
    stored = call.world.post_bot_message(
        chat, content, markup=markup, raw_text=p.string("caption"), parse_mode=p.string("parse_mode"), extra=extra,
    )
    return stored.data


@method("sendDocument")
async def send_document(call: Call) -> dict[str, Any]:
    return await _send_media(call, "document", "documents")


@method("sendPhoto")
async def send_photo(call: Call) -> dict[str, Any]:
    return await _send_media(call, "photo", "photos")


@method("getFile")
async def get_file(call: Call) -> dict[str, Any]:
    file_id = call.params.require_string("file_id", "invalid file_id")
    record = call.world.files.get(file_id)
    if record is None:
        raise bad_request("invalid file_id")
    if record.size > MAX_DOWNLOAD_SIZE:
        raise bad_request("file is too big")
    return {"file_id": file_id, "file_unique_id": record.file_unique_id, "file_size": record.size,
            "file_path": record.file_path}


# --- copies and forwards -------------------------------------------------------------------------

_COPYABLE = ("text", "entities", "caption", "caption_entities", "document", "photo", "contact")


def _source_message(call: Call) -> StoredMessage:
    from_chat_id = call.params.values.get("from_chat_id")
    if from_chat_id is None or from_chat_id == "":
        raise bad_request("from_chat_id is empty")
    source_chat = call.world.writable_chat(call.bot, from_chat_id)
    message_id = call.params.require_integer("message_id", "message identifier is not specified")
    stored = source_chat.message(message_id)
    if stored is None:
        raise bad_request("message to copy not found")
    return stored


@method("copyMessage")
async def copy_message(call: Call) -> dict[str, Any]:
    p = call.params
    source = _source_message(call)
    chat = _target_chat(call)
    content = {k: v for k, v in source.data.items() if k in _COPYABLE}
    if p.values.get("caption") is not None and "text" not in content:
        content = {k: v for k, v in content.items() if k not in ("caption", "caption_entities")}
        content.update(_text_content(p, "caption", "caption_entities", MAX_CAPTION_LENGTH, required=False))
    markup = _validate_markup(p.obj("reply_markup"))
    extra = {**_reply_extra(call, chat), **_flags(p)}
    call.world.check_rate(call.bot, chat)
    stored = call.world.post_bot_message(chat, content, markup=markup, raw_text=source.raw_text,
                                         parse_mode=source.parse_mode, extra=extra)
    return {"message_id": stored.message_id}


@method("forwardMessage")
async def forward_message(call: Call) -> dict[str, Any]:
    source = _source_message(call)
    chat = _target_chat(call)
    content = {k: v for k, v in source.data.items() if k in _COPYABLE}
    sender = source.data.get("from") or call.bot.as_user()
    origin = {"type": "user", "sender_user": sender, "date": source.data.get("date", int(time.time()))}
    call.world.check_rate(call.bot, chat)
    stored = call.world.post_bot_message(chat, content, raw_text=source.raw_text, parse_mode=source.parse_mode,
                                         extra={"forward_origin": origin, **_flags(call.params)})
    return stored.data
