"""Django's four password checks with their messages in our own Chinese.

Django's Chinese catalogue lags its English: the minimum-length message of this version is
missing there and would reach users in English. These subclasses change only the words.
"""

from __future__ import annotations

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短：至少 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少 {self.min_length} 个字符。"


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        return "密码与%(verbose_name)s太相似。"

    def get_help_text(self) -> str:
        return "密码不能与用户名、姓名、电子邮箱等个人信息相似。"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return "这个密码太常见了。"

    def get_help_text(self) -> str:
        return "密码不能是常见密码。"


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return "密码不能全都是数字。"

    def get_help_text(self) -> str:
        return "密码不能全都是数字。"
