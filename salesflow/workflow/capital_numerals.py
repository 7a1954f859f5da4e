"""An amount in Chinese financial capitals (大写金额), as written on invoices and contracts.

The rules are those of the People's Bank of China for filling in bills and settlement
vouchers (《正确填写票据和结算凭证的基本规定》), where they allow a choice we take the
shorter form:

* digits 壹贰叁肆伍陆柒捌玖, units 拾佰仟 within a group of four, then 万 and 亿; a leading
  ten is 壹拾 (¥100,000.00 is 壹拾万元整), never a bare 拾;
* zeros between digits are read as one 零 (¥6,007.14: 陆仟零柒元壹角肆分; ¥1,409.50:
  壹仟肆佰零玖元伍角), and so is a gap across a 万 or 亿 boundary (¥10,000,100.07:
  壹仟万零壹佰元零柒分); zeros at the end of the yuan are not read, and a zero units
  digit before 角 is not read either (¥1,680.32: 壹仟陆佰捌拾元叁角贰分);
* whole yuan end in 整 (¥0.00: 零元整); 角 without 分 takes no 整 (壹仟零肆元伍角); with
  yuan and 分 but no 角 a 零 stands for the 角 (¥325.04: 叁佰贰拾伍元零肆分); less than a
  yuan has no 元 (¥0.05: 伍分; ¥0.50: 伍角).

Documents put 人民币 in front (``prefix=True``). Pure and exact: integers only.
"""

from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
WAN = 10_000
YI = 100_000_000
# 9,999,999,999,999,999.99 yuan would need 亿亿; far beyond any quote.
MAX_FEN = YI * YI * 100 - 1
CURRENCY = "人民币"


def _group(number: int) -> str:
    """1..9999 with 仟佰拾; inner zeros read as one 零, trailing zeros not read."""
    text = ""
    zero_pending = False
    for power in (3, 2, 1, 0):
        digit = number // 10**power % 10
        if digit == 0:
            zero_pending = bool(text)
            continue
        if zero_pending:
            text += DIGITS[0]
            zero_pending = False
        text += DIGITS[digit] + SMALL_UNITS[power]
    return text


def _integer(number: int) -> str:
    """A positive whole number in capitals: groups of four digits joined by 万 and 亿."""
    if number >= YI:
        high, low = divmod(number, YI)
        text = _integer(high) + "亿"
        if low:
            text += ("零" if low < YI // 10 else "") + _integer(low)
        return text
    if number >= WAN:
        high, low = divmod(number, WAN)
        text = _group(high) + "万"
        if low:
            text += ("零" if low < WAN // 10 else "") + _group(low)
        return text
    return _group(number)


def capital_yuan(fen: int, *, prefix: bool = False) -> str:
    """``fen`` (an amount in fen, 0 or more) in Chinese financial capitals.

    >>> capital_yuan(100_450)
    '壹仟零肆元伍角'
    >>> capital_yuan(10_000_000, prefix=True)
    '人民币壹拾万元整'
    """
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError("fen must be an int")
    if not 0 <= fen <= MAX_FEN:
        raise ValueError(f"amount out of range: {fen} fen")
    yuan, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        text = "零元整"
    else:
        text = _integer(yuan) + "元" if yuan else ""
        if cents == 0:
            text += "整"
        else:
            if jiao:
                text += DIGITS[jiao] + "角"
            elif yuan:
                text += DIGITS[0]
            if fen_digit:
                text += DIGITS[fen_digit] + "分"
    return CURRENCY + text if prefix else text
