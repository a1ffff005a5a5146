  digitalocean_token: "dop_v1_9ba73b5f4d6ac530ebeece8268a72ce81f74017eba3802452dfe669698230738",
const gh_token = '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';
const pulumi_access_token = 'pul-00ed2def669e20ed79147441d3c9010c5b88e45a';
const dockerhub_token = 'dckr_pat_WXRgoxMpG6-mo7KSYitcN-4bMbq';
fetch(url, { headers: { Authorization: `Bearer sk-svcacct-2N0tgrdcPJjEywoWai3xX320zboJluQ_OCjs_C2E5Q5KUqaPHqA8ejoo_bwrn1KMR-asQQtOpR8OBhok08XAnI5YH3Lj-Pbaa3QL4BYelJmvcxmIH6ac4OEHm5vg160kQw-EvxBxe4WQQXdzdzKHsf7pSLjy` } });
fetch(url, { headers: { Authorization: `Bearer xoxb-545635922349-7611904064620-zhXxmzm2FUZ1UjxHVDD5uBDm` } });
  facebook_access_token: "EAABOwb9YvjocGmnwhKUDCao61MZKABO28HqTta5VQK6duk3i9MnAmzy2PLph9NvmRBA0vWSDQ3td5KCYyCjuxFy1c35QV8UUl3fU1Hx4bajg3AtJGYt9DIL75nEL4wqDjwQj5NTJmOBIoPoTewchg3Y6B4BseNIPFlYOY9hkS7CjMFHwsF5v0Tx",
fetch(url, { headers: { Authorization: `Bearer patlJi6hzCY7s46U7.2230bd503f3630273f55d5ef5092519081dca2a749b0dbf35fdb65f50f15feb4` } });
